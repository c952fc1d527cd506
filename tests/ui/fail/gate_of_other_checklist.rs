use checklist_md::checklist;

checklist!(pub Release, inline "- [ ] Tests pass\n");
checklist!(pub Rollback, inline "- [ ] Previous build restored\n");

fn main() {
    let run = Release::new_state();
    let _ = run.evaluate(Rollback::gates().complete);
}
