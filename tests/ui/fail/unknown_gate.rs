use checklist_md::checklist;

checklist!(pub Release, inline r#"+++
signoff_gate = "deploi"

[gates.deploy]
include = ["checks/**"]
+++
Checks
------
- [ ] Tests pass
"#);

fn main() {}
