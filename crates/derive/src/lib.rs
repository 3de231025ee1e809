//! `#[derive(FromValue)]`: a reader of a type from a parsed JSON value
//! (`azimuth_core::arm::json_de::FromValue`), written from the type's own serde attributes, read
//! by serde's own attribute parser (`serde_derive_internals`), so it names, defaults, flattens
//! and converts every field as the type's `Deserialize` does.
//!
//! Why not `Deserialize`: serde's derive builds, for every struct, a visitor over a streaming
//! map (field-name matching, duplicate checks, a missing-field pass, each nested reader inlined),
//! which is the largest code of the studio's first load. Reading from a parsed value needs none
//! of that: each field is taken from the object by name, through one shared reader per field
//! type. Measured on the studio's main module when this was written: see `json_de`'s doc.
//!
//! Structs with named fields and enums of unit variants get compact readers; any other shape
//! (tuple structs, enums with data, tagged or untagged enums, `transparent`, `from`) is read
//! through its `Deserialize`, so deriving `FromValue` reads what `Deserialize` reads, only with
//! less code where it can. Not handled, as no type of the studio needs them yet: type
//! parameters (no bounds are added), a field's aliases read in order of precedence (the first
//! present is taken), and two flattened fields in one struct (the first map takes the rest).

use proc_macro2::TokenStream;
use quote::quote;
use serde_derive_internals::ast::{Container, Data, Field, Style, Variant};
use serde_derive_internals::attr::{Default as FieldDefault, TagType};
use serde_derive_internals::{Ctxt, Derive};

/// Derives `azimuth_core::arm::json_de::FromValue` from the type's serde attributes.
#[proc_macro_derive(FromValue, attributes(serde))]
pub fn derive_from_value(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let cx = Ctxt::new();
    let container = Container::from_ast(&cx, &input, Derive::Deserialize);
    if let Err(e) = cx.check() {
        return e.to_compile_error().into();
    }
    let Some(container) = container else {
        return syn::Error::new_spanned(&input, "FromValue: serde cannot read this type")
            .to_compile_error()
            .into();
    };
    expand(&container).into()
}

fn expand(c: &Container) -> TokenStream {
    let ident = &c.ident;
    let (impl_generics, ty_generics, where_clause) = c.generics.split_for_impl();
    let de = quote!(::azimuth_core::arm::json_de);
    let body = match &c.data {
        Data::Struct(Style::Struct, fields) if is_plain(c) => struct_reader(c, fields),
        Data::Enum(variants) if is_plain(c) && unit_only(variants) => enum_reader(c, variants),
        _ => quote! {
            fn from_value(value: ::serde_json::Value) -> ::std::result::Result<Self, ::serde_json::Error> {
                #de::by_serde(value)
            }
        },
    };
    quote! {
        impl #impl_generics #de::FromValue for #ident #ty_generics #where_clause {
            #body
        }
    }
}

/// Whether the container reads as its fields or variants say (no `transparent`, `from`,
/// `try_from`, tag or `deny_unknown_fields`, which are left to serde).
fn is_plain(c: &Container) -> bool {
    let a = &c.attrs;
    !a.transparent()
        && a.type_from().is_none()
        && a.type_try_from().is_none()
        && !a.deny_unknown_fields()
        && matches!(a.tag(), TagType::External)
}

fn unit_only(variants: &[Variant]) -> bool {
    variants.iter().all(|v| {
        matches!(v.style, Style::Unit)
            && v.attrs.deserialize_with().is_none()
            && !v.attrs.untagged()
    })
}

/// A struct with named fields: each taken from the object by name, the flattened ones from what
/// is left, in order.
fn struct_reader(c: &Container, fields: &[Field]) -> TokenStream {
    let de = quote!(::azimuth_core::arm::json_de);
    let container_default = match c.attrs.default() {
        FieldDefault::None => None,
        FieldDefault::Default => Some(quote!(<Self as ::std::default::Default>::default())),
        FieldDefault::Path(path) => Some(quote!(#path())),
    };
    let mut reads = Vec::new();
    let mut flattened = Vec::new();
    let mut members = Vec::new();
    for (n, field) in fields.iter().enumerate() {
        let var = quote::format_ident!("__field{}", n);
        let member = &field.member;
        members.push(quote!(#member: #var));
        let ty = field.ty;
        if field.attrs.skip_deserializing() {
            let value = match (field.attrs.default(), &container_default) {
                (FieldDefault::Path(path), _) => quote!(#path()),
                (FieldDefault::None, Some(_)) => quote!(__default.#member),
                _ => quote!(<#ty as ::std::default::Default>::default()),
            };
            reads.push(quote!(let #var: #ty = #value;));
            continue;
        }
        if field.attrs.flatten() {
            flattened.push(quote!(let #var: #ty = #de::FromValue::take_flattened(entries)?;));
            continue;
        }
        let names: Vec<&String> = field.attrs.aliases().iter().collect();
        let primary = field.attrs.name().deserialize_name();
        let take = if names.len() <= 1 {
            quote!(#de::take(entries, #primary))
        } else {
            quote!(#de::take_any(entries, &[#(#names),*]))
        };
        let plain = field.attrs.deserialize_with().is_none() && names.len() <= 1;
        match (field.attrs.default(), &container_default) {
            // The common cases, through one shared reader per field type.
            (FieldDefault::Default, _) if plain => {
                reads.push(quote!(let #var: #ty = #de::field_or_default(entries, #primary)?;));
                continue;
            }
            (FieldDefault::None, None) if plain => {
                reads.push(quote!(let #var: #ty = #de::field(entries, #primary)?;));
                continue;
            }
            _ => {}
        }
        let read = match field.attrs.deserialize_with() {
            Some(with) => quote!(#with(#de::ValueDeserializer::new(value))?),
            None => quote!(<#ty as #de::FromValue>::from_value(value)?),
        };
        let missing = match (field.attrs.default(), &container_default) {
            (FieldDefault::Default, _) => quote!(<#ty as ::std::default::Default>::default()),
            (FieldDefault::Path(path), _) => quote!(#path()),
            (FieldDefault::None, Some(_)) => quote!(__default.#member),
            (FieldDefault::None, None) if field.attrs.deserialize_with().is_some() => {
                quote!(return Err(#de::missing_field(#primary)))
            }
            (FieldDefault::None, None) => quote!(<#ty as #de::FromValue>::missing(#primary)?),
        };
        reads.push(quote! {
            let #var: #ty = match #take {
                Some(value) => #read,
                None => #missing,
            };
        });
    }
    let default = container_default.map(|d| quote!(let __default: Self = #d;));
    quote! {
        fn from_value(value: ::serde_json::Value) -> ::std::result::Result<Self, ::serde_json::Error> {
            let mut entries = #de::object(value)?;
            <Self as #de::FromValue>::take_flattened(&mut entries)
        }

        #[allow(unused_variables, clippy::needless_late_init)]
        fn take_flattened(
            entries: &mut ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        ) -> ::std::result::Result<Self, ::serde_json::Error> {
            #default
            #(#reads)*
            #(#flattened)*
            Ok(Self { #(#members),* })
        }
    }
}

/// An enum of unit variants, written as their names (ARM's enum strings).
fn enum_reader(c: &Container, variants: &[Variant]) -> TokenStream {
    let de = quote!(::azimuth_core::arm::json_de);
    let ident = &c.ident;
    let mut arms = Vec::new();
    let mut expected = Vec::new();
    let mut other = None;
    for v in variants.iter().filter(|v| !v.attrs.skip_deserializing()) {
        let variant = &v.ident;
        if v.attrs.other() {
            other = Some(quote!(_ => Ok(#ident::#variant),));
            continue;
        }
        let names: Vec<&String> = v.attrs.aliases().iter().collect();
        expected.push(v.attrs.name().deserialize_name().to_owned());
        arms.push(quote!(#(#names)|* => Ok(#ident::#variant),));
    }
    let fallback = other
        .unwrap_or_else(|| quote!(other => Err(#de::unknown_variant(other, &[#(#expected),*])),));
    quote! {
        fn from_value(value: ::serde_json::Value) -> ::std::result::Result<Self, ::serde_json::Error> {
            match #de::string(value)?.as_str() {
                #(#arms)*
                #fallback
            }
        }
    }
}
