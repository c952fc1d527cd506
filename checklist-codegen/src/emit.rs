//! Step 4, expand: turn the plan into Rust.
//!
//! For `checklist!(pub Deploy, "deploy.md")` the output is:
//!
//! - `pub mod deploy { ... }` holding the marker type `Deploy` (implementing
//!   `checklist_md::typed::Checklist`, with `items()`, `gates()`, `spec()`, `new_state()` and
//!   the embedded source), `Items` (the root), one struct per section and `Gates`, whose
//!   fields are typed handles (`Task<Deploy>`, `Field<Deploy, Date>`, `SignOff<Deploy>`,
//!   `Gate<Deploy>`);
//! - `pub use deploy::Deploy;`;
//! - `include_bytes!` of the file, so cargo rebuilds when the Markdown changes.
//!
//! Generated code names the facade crate by the path `facade` (`::checklist_md` unless the
//! user's `Cargo.toml` renames it or the input says `#[checklist(crate = "...")]`, see the
//! crate docs), as serde's derives name `serde`. The module allows `non_snake_case` and
//! `non_camel_case_types`, which names made of scripts without case could trip.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use checklist_core::Spec;

use crate::input::Input;
use crate::load::Loaded;
use crate::plan::{FieldKind, Plan};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `ProductionDeployment` → `production_deployment`.
pub(crate) fn module_name(type_name: &str) -> String {
    let mut out = String::new();
    for (i, c) in type_name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole expansion for a checklist that loaded and planned cleanly.
pub(crate) fn expand(
    input: &Input,
    loaded: &Loaded,
    spec: &Spec,
    plan: &Plan,
    facade: &syn::Path,
) -> TokenStream {
    let vis = &input.vis;
    let name = &input.name;
    let attrs = &input.attrs;
    let module = format_ident!("{}", module_name(&name.to_string()));
    let source = spec.source();
    let file = &loaded.file_label;
    let digest = spec.digest();
    let track = loaded.absolute.as_ref().map(|p| {
        let p = p.display().to_string();
        quote! {
            // Makes cargo rebuild this crate when the Markdown changes.
            const _: &[u8] = ::core::include_bytes!(#p);
        }
    });
    let summary = spec.summary();
    let type_doc = format!(
        "{}\n\nTyped checklist `{}` from `{}`: {}.\n\nUse [`{name}::items()`] for its items, [`{name}::gates()`] for its gates and [`{name}::new_state()`] to start a run.",
        spec.title().unwrap_or(spec.id()),
        spec.id(),
        file,
        summary
    );
    let module_doc = format!(
        "Generated types of the [`{name}`] checklist: one struct per section, and its gates."
    );

    let structs = plan.sections.iter().map(|s| {
        let ty = ident(&s.type_name);
        let doc = &s.doc;
        let fields = s.fields.iter().map(|f| {
            let fname = ident(&f.name);
            let fdoc = &f.doc;
            let ty = field_type(plan, &f.kind, name, facade);
            quote! { #[doc = #fdoc] pub #fname: #ty, }
        });
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct #ty { #(#fields)* }
        }
    });
    let items_value = section_value(plan, 0, facade);
    let gate_fields = plan.gates.iter().map(|(g, _, doc)| {
        let g = ident(g);
        quote! { #[doc = #doc] pub #g: #facade::typed::Gate<#name>, }
    });
    let gate_values = plan.gates.iter().map(|(g, i, _)| {
        let g = ident(g);
        quote! { #g: #facade::typed::Gate::__new(#i), }
    });

    // Everything lives in the module, the marker type included, and the type is
    // re-exported: `super::` paths would not work when the macro is invoked inside a
    // function body (doctests, tests), names in one module always do.
    quote! {
        #[doc = #module_doc]
        #[allow(non_snake_case, non_camel_case_types)]
        #vis mod #module {
            #(#attrs)*
            #[doc = #type_doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub struct #name;

            #(#structs)*

            /// The checklist's gates.
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct Gates { #(#gate_fields)* }

            impl #name {
                /// The Markdown this type was generated from, as read at compile time.
                pub const SOURCE: &'static str = #source;
                /// The file it was read from, relative to `CARGO_MANIFEST_DIR`.
                pub const FILE: &'static str = #file;
                /// The spec digest at compile time.
                pub const DIGEST: &'static str = #digest;

                /// Every item, as typed handles nested like the headings.
                pub const fn items() -> Items {
                    #items_value
                }

                /// Every gate, as typed handles.
                pub const fn gates() -> Gates {
                    Gates { #(#gate_values)* }
                }

                /// The spec, parsed once from [`Self::SOURCE`] by the same parser the macro used.
                pub fn spec() -> &'static ::std::sync::Arc<#facade::Spec> {
                    <Self as #facade::typed::Checklist>::spec()
                }

                /// A fresh state of this checklist.
                pub fn new_state() -> #facade::typed::TypedState<Self> {
                    #facade::typed::TypedState::new()
                }
            }

            impl #facade::typed::Checklist for #name {
                fn spec() -> &'static ::std::sync::Arc<#facade::Spec> {
                    static SPEC: ::std::sync::OnceLock<::std::sync::Arc<#facade::Spec>> =
                        ::std::sync::OnceLock::new();
                    SPEC.get_or_init(|| {
                        ::std::sync::Arc::new(#facade::typed::__embedded_spec(
                            #name::SOURCE,
                            #name::FILE,
                            #name::DIGEST,
                        ))
                    })
                }
            }

            #track
        }
        #vis use #module::#name;
    }
}

fn field_type(plan: &Plan, kind: &FieldKind, checklist: &Ident, facade: &syn::Path) -> TokenStream {
    match kind {
        FieldKind::Section(i) => {
            let ty = ident(&plan.sections[*i].type_name);
            quote! { #ty }
        }
        FieldKind::Task(_) => quote! { #facade::typed::Task<#checklist> },
        FieldKind::CheckedTask(_) => quote! { #facade::typed::CheckedTask<#checklist> },
        FieldKind::SignOff(_) => quote! { #facade::typed::SignOff<#checklist> },
        FieldKind::Field(_, value) => {
            let value = ident(value);
            quote! { #facade::typed::Field<#checklist, #facade::typed::#value> }
        }
    }
}

/// The const expression building section `i`'s struct.
fn section_value(plan: &Plan, i: usize, facade: &syn::Path) -> TokenStream {
    let section = &plan.sections[i];
    let ty = ident(&section.type_name);
    let fields = section.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let value = match &f.kind {
            FieldKind::Section(j) => section_value(plan, *j, facade),
            FieldKind::Task(raw) => quote! { #facade::typed::Task::__new(#raw) },
            FieldKind::CheckedTask(raw) => quote! { #facade::typed::CheckedTask::__new(#raw) },
            FieldKind::SignOff(raw) => quote! { #facade::typed::SignOff::__new(#raw) },
            FieldKind::Field(raw, _) => quote! { #facade::typed::Field::__new(#raw) },
        };
        quote! { #fname: #value, }
    });
    quote! { #ty { #(#fields)* } }
}

/// What is emitted when the checklist could not be read at all: the error and the bare
/// marker type, so that mentions of the type do not add errors of their own.
pub(crate) fn stub(input: &Input) -> TokenStream {
    let vis = &input.vis;
    let name = &input.name;
    let attrs = &input.attrs;
    quote! {
        #(#attrs)*
        #[derive(Debug, Clone, Copy)]
        #vis struct #name;
    }
}
