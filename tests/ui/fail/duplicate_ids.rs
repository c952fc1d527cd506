use checklist::checklist;

checklist!(pub Release, inline "
Checks
------
- [ ] Tests pass
- [ ] Docs updated
- [ ] Tests pass
");

fn main() {}
