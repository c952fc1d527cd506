use checklist::checklist;

checklist!(pub Release "deploy.md");

fn main() {}
