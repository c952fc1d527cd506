use checklist_md::checklist;

checklist!(pub Release, inline "
Checks
------
- [ ] Tests pass
- [ ] Docs updated
- [ ] Tests pass
");

fn main() {}
