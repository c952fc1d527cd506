use checklist::checklist;

checklist!(pub Absolute, "/etc/deploy.md");

fn main() {}
