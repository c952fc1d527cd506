use checklist_md::checklist;

checklist!(pub Release, inline "
Checks
------
- [ ] Tests pass
- [ ] Docs updated
");

fn main() {
    // The item was renamed in the Markdown: code naming the old one stops compiling.
    let _ = Release::items().checks.documentation_updated;
}
