use checklist_md::checklist;

checklist!(pub Release "deploy.md");

fn main() {}
