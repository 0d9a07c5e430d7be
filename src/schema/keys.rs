//! Key/value sheets (the cover, the registry): what each field is to jucai.

use super::field::Field;

/// A key of a key/value sheet (cover, registry).
pub(super) trait SheetKey: Copy + PartialEq + 'static {
    const ALL: &'static [Self];

    fn name(self) -> &'static str;

    fn from_name(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == key)
    }
}

/// Defines a key enum of a key/value sheet (cover, registry): variants and
/// the names written in the schema file.
macro_rules! keys {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $key:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The key written in the schema file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)*
                }
            }
        }

        impl SheetKey for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn name(self) -> &'static str {
                self.as_str()
            }
        }
    };
}

keys! {
    /// What a cover field is to jucai.
    CoverKey {
        UnitCode = "unit_code",
        UnitName = "unit_name",
        Period = "period",
        Filler = "filler",
        Phone = "phone",
        FillDate = "fill_date",
    }
}

keys! {
    /// What a registry column is to jucai.
    RegistryKey {
        Code = "code",
        Name = "name",
        Level = "level",
        Parent = "parent",
        Kind = "kind",
        Address = "address",
        Area = "area",
        Head = "head",
        Phone = "phone",
        Rules = "rules",
        Opened = "opened",
        Note = "note",
        Duty = "duty",
        Secretary = "secretary",
        Email = "email",
    }
}

impl RegistryKey {
    /// Columns a district's registry may leave out (added after the first
    /// release, so older schemas still load).
    pub(super) const OPTIONAL: [RegistryKey; 3] = [
        RegistryKey::Duty,
        RegistryKey::Secretary,
        RegistryKey::Email,
    ];
}

/// Fields of a key/value sheet (the cover, the registry) with what each is to jucai.
#[derive(Debug, Clone)]
pub struct Keyed<K> {
    pub sheet: String,
    /// The sheet's title line (the cover's; empty for the registry).
    pub title: String,
    pub fields: Vec<Field>,
    /// Per field (same order): its key, if jucai reads it.
    pub(super) keys: Vec<Option<K>>,
}

impl<K: Copy + PartialEq> Keyed<K> {
    /// The key of field `i`.
    pub fn key_at(&self, i: usize) -> Option<K> {
        self.keys.get(i).copied().flatten()
    }

    /// The column (field index) of `key`, if the schema has it.
    pub fn column(&self, key: K) -> Option<usize> {
        self.keys.iter().position(|k| *k == Some(key))
    }

    /// The field of `key`, if the schema has it.
    pub fn field(&self, key: K) -> Option<&Field> {
        self.column(key).map(|i| &self.fields[i])
    }
}

/// The 封面 sheet.
pub type Cover = Keyed<CoverKey>;

/// The registry (平台名录) sheet's columns.
pub type RegistrySheet = Keyed<RegistryKey>;
