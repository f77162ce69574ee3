//! The built-in templates as static data, written by build.rs from `schemas/templates.toml`:
//! the TOML's tree of tables, arrays and values, read through serde as the TOML itself
//! would be, with no text to parse at start-up (issue 18: parsing it as JSON cost a third
//! of a short run).

use serde::de::value::{Error, MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{Deserializer, IntoDeserializer, Visitor};

/// A TOML value (templates hold no floats or dates).
#[derive(Debug)]
pub(super) enum Node {
    Bool(bool),
    Int(i64),
    Str(&'static str),
    Array(&'static [Node]),
    Table(&'static [(&'static str, Node)]),
}

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// A [`Node`] handed to serde.
#[derive(Clone, Copy)]
pub(super) struct NodeDeserializer(pub(super) &'static Node);

impl<'de> IntoDeserializer<'de, Error> for NodeDeserializer {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for NodeDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Bool(b) => visitor.visit_bool(*b),
            Node::Int(i) => visitor.visit_i64(*i),
            Node::Str(s) => visitor.visit_str(s),
            Node::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(NodeDeserializer));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Node::Table(entries) => {
                let mut map = MapDeserializer::new(
                    entries
                        .iter()
                        .map(|(key, value)| (*key, NodeDeserializer(value))),
                );
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    /// A key that is present holds a value: absent keys are the derive's `None`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    /// Enums of the templates are unit variants written as strings (`type = "count"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Node::Str(s) => {
                StrDeserializer::<Error>::new(s).deserialize_enum(name, variants, visitor)
            }
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}
