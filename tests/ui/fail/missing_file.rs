use checklist::checklist;

checklist!(pub Missing, "tests/ui/fixtures/no-such-checklist.md");

fn main() {}
