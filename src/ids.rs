//! Typed ids for what clients send, so an agency id is never taken for a user id and a
//! malformed id is rejected where it enters. Rows keep ids as text (portable across backends).

macro_rules! typed_id {
    ($($(#[$m:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// The id as stored in the database.
            pub fn db(&self) -> String {
                self.0.to_string()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

typed_id!(
    /// Id of a user.
    UserId,
    /// Id of an agency (OPD).
    AgencyId,
    /// Id of a division of an agency.
    DivisionId,
    /// Id of a complaint category.
    CategoryId,
    /// Id of a region (kecamatan or desa).
    RegionId,
    /// Id of an official social-media account.
    AccountId,
    /// Id of a ticket (a UUIDv7: its time part is the filing time).
    TicketId,
    /// Id of a stored file.
    AttachmentId,
);
