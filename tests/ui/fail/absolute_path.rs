use checklist_md::checklist;

checklist!(pub Absolute, "/etc/deploy.md");

fn main() {}
