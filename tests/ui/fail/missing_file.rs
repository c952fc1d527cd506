use checklist_md::checklist;

checklist!(pub Missing, "tests/ui/fixtures/no-such-checklist.md");

fn main() {}
