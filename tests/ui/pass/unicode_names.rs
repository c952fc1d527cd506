#![deny(missing_docs, warnings)]
//! Checklists in Chinese, Russian and German get Rust names in their own words, in a
//! crate that denies every warning.

use checklist_md::{checklist, Actor};

checklist!(
    /// 发布清单.
    pub Chinese, inline "# 发布清单\n\n## 代码质量\n\n- [ ] 所有代码审查完成\n- [ ] 单元测试通过\n"
);

checklist!(
    /// Выпуск.
    pub Russian, inline "# Выпуск\n\n## Проверка безопасности\n\n- [ ] Аудит зависимостей проведён\n"
);

checklist!(
    /// Freigabe.
    pub German, inline "# Freigabe\n\n## Überprüfung der Sicherheit\n\n- [ ] Abhängigkeiten geprüft\n- [ ] Straße gesperrt\n"
);

fn main() {
    let ci = Actor::new("ci");
    let mut run = Chinese::new_state();
    run.complete(Chinese::items().代码质量.所有代码审查完成, &ci).unwrap();
    run.complete(Chinese::items().代码质量.单元测试通过, &ci).unwrap();
    assert!(run.evaluate(Chinese::gates().complete).passed);

    let mut run = Russian::new_state();
    run.complete(Russian::items().проверка_безопасности.аудит_зависимостей_проведён, &ci)
        .unwrap();
    assert!(run.evaluate(Russian::gates().complete).passed);

    let items = German::items();
    let mut run = German::new_state();
    run.complete(items.überprüfung_der_sicherheit.abhängigkeiten_geprüft, &ci).unwrap();
    run.complete(items.überprüfung_der_sicherheit.straße_gesperrt, &ci).unwrap();
    assert!(run.evaluate(German::gates().complete).passed);
    let _: german::ÜberprüfungDerSicherheit = items.überprüfung_der_sicherheit;
}
