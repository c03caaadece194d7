extension ConsentGrantedV1 {
    /// ConsentGranted v1 did not record how a consent was given. Before v2 the intake procedure accepted only
    /// signed paper forms, so v1 consents read as `written`, valid from the event's own date (nil here: the
    /// event's `occurredAt`) with no end.
    public func upcasted() -> ConsentGranted {
        ConsentGranted(personRef: personRef, consentId: consentId, purpose: purpose, scope: scope, medium: .written)
    }
}
