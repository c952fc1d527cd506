use checklist_core::*;
fn main() {
    let src = std::fs::read_to_string("examples/checklists/production-deployment.md").unwrap();
    let spec = Spec::parse(&src).unwrap();
    let mut st = State::new(&spec);
    let bot = Actor::new("automation");
    let complete = spec.gate_by_name("complete").unwrap().index();
    println!("unmet at start: {}", st.evaluate(complete).unmet.len());
    let lead = spec.index_of("sign-off/technical-lead-approval").unwrap();
    let tl = Actor::new("tara").with_role("technical-lead");
    println!("early approve: {}", st.approve(lead, &tl, None).unwrap_err());
    for item in spec.items() {
        match item.kind() {
            ItemKind::Task if item.is_optional() => { st.skip(item.index(), &bot, Some("not needed")).unwrap(); }
            ItemKind::Task => { st.complete(item.index(), &bot).unwrap(); }
            ItemKind::Field(FieldType::Date) => { st.fill(item.index(), &bot, "2026-12-01").unwrap(); }
            ItemKind::Field(_) => { st.fill(item.index(), &bot, "automation").unwrap(); }
            _ => {}
        }
    }
    for &s in spec.signoffs() {
        let role = spec.item(s).role().unwrap();
        let a = Actor::new(format!("{role}-person")).with_role(role);
        st.approve(s, &a, Some("ok")).unwrap();
    }
    let r = st.evaluate(complete);
    println!("passed: {} unmet {} events {} rev {}", r.passed, r.unmet.len(), st.events().len(), st.revision());
    let c = st.reopen(spec.index_of("documentation/contact-list-updated").unwrap(), &bot, "redo").unwrap();
    println!("reopen change: {:?}", c);
    let json = st.to_json();
    let back = State::from_json(&spec, &json).unwrap();
    assert!(back.migration.is_none());
    assert_eq!(back.state, st);
    println!("json bytes {}", json.len());
    let md = st.render_markdown();
    let again = Spec::parse(&md).unwrap();
    assert_eq!(again.items().len(), 177);
    for (a, b) in again.items().iter().zip(spec.items()) { assert_eq!(a.id(), b.id()); }
    println!("{}", &md[md.find("## Sign-Off").unwrap()..md.find("## Post-Deployment Review").unwrap()]);
    println!("{}", serde_json::to_string_pretty(&document::schema_for_spec(&spec)).unwrap().len());
}
