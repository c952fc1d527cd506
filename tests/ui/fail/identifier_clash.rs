use checklist_md::checklist;

// `Phase 1` and `Phase1` have different ids (`phase-1`, `phase1`) but the same type name.
checklist!(pub Plan, inline "
Phase 1
-------
- [ ] Kick-off held

Phase1
------
- [ ] Budget approved
");

fn main() {}
