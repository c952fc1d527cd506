use checklist_md::{checklist, Actor};

checklist!(pub Release, inline "
- [ ] Release Date: ____
");

fn main() {
    let mut run = Release::new_state();
    let _ = run.fill(Release::items().release_date, &Actor::new("ci"), "2026-12-01");
}
