//! Node and edge kinds. Both are `u8` on disk and in memory; the names are
//! the lower-case strings the CLI accepts and prints.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
#[error("unknown {what} '{name}' (expected one of: {expected})")]
pub struct UnknownKind {
    what: &'static str,
    name: String,
    expected: String,
}

impl UnknownKind {
    pub(crate) fn new(what: &'static str, name: &str, expected: String) -> UnknownKind {
        UnknownKind {
            what,
            name: name.to_string(),
            expected,
        }
    }
}

macro_rules! byte_enum {
    ($(#[$meta:meta])* $what:literal, $ty:ident { $($variant:ident = $value:literal => $name:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, serde::Serialize, serde::Deserialize)]
        #[repr(u8)]
        pub enum $ty {
            $($variant = $value,)+
        }

        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }

            pub fn from_u8(byte: u8) -> Option<$ty> {
                match byte {
                    $($value => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownKind;

            fn from_str(s: &str) -> Result<$ty, UnknownKind> {
                let lower = s.to_ascii_lowercase();
                $ty::ALL.iter().copied().find(|k| k.as_str() == lower).ok_or_else(|| UnknownKind::new(
                    $what,
                    s,
                    $ty::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
                ))
            }
        }
    };
}

byte_enum! {
    /// What a node stands for.
    "node kind", NodeKind {
        File = 0 => "file",
        Module = 1 => "module",
        Namespace = 2 => "namespace",
        Class = 3 => "class",
        Struct = 4 => "struct",
        Interface = 5 => "interface",
        Trait = 6 => "trait",
        Enum = 7 => "enum",
        Union = 8 => "union",
        TypeAlias = 9 => "type",
        Function = 10 => "function",
        Method = 11 => "method",
        Constructor = 12 => "constructor",
        Field = 13 => "field",
        Variant = 14 => "variant",
        Constant = 15 => "constant",
        Variable = 16 => "variable",
        Macro = 17 => "macro",
        Import = 18 => "import",
    }
}

impl NodeKind {
    /// Kinds whose children are members (a function inside one is a method).
    pub fn is_type_container(self) -> bool {
        matches!(
            self,
            NodeKind::Class
                | NodeKind::Struct
                | NodeKind::Interface
                | NodeKind::Trait
                | NodeKind::Enum
                | NodeKind::Union
        )
    }

    /// Kinds that run: functions, methods, constructors.
    pub fn is_callable(self) -> bool {
        matches!(
            self,
            NodeKind::Function | NodeKind::Method | NodeKind::Constructor
        )
    }
}

byte_enum! {
    /// What an edge says about its two ends.
    "edge kind", EdgeKind {
        Contains = 0 => "contains",
        Calls = 1 => "calls",
        Imports = 2 => "imports",
        Inherits = 3 => "inherits",
        Implements = 4 => "implements",
        References = 5 => "references",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_bytes_and_names() {
        for &kind in NodeKind::ALL {
            assert_eq!(NodeKind::from_u8(kind as u8), Some(kind));
            assert_eq!(kind.as_str().parse::<NodeKind>().unwrap(), kind);
        }
        for &kind in EdgeKind::ALL {
            assert_eq!(EdgeKind::from_u8(kind as u8), Some(kind));
            assert_eq!(kind.as_str().parse::<EdgeKind>().unwrap(), kind);
        }
        assert_eq!(NodeKind::from_u8(200), None);
        let err = "klass".parse::<NodeKind>().unwrap_err().to_string();
        assert!(
            err.starts_with("unknown node kind 'klass' (expected one of: file, module"),
            "{err}"
        );
    }
}
