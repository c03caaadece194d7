extension DomainEvent {
    /// The schema checks of the clear part and, when present, the personal part (`.personal.…` paths), so a
    /// decider can refuse an event it is about to emit before Commands seals and appends it.
    public var fieldViolations: [FieldViolation] { Self.fieldViolations(of: payload) }

    private static func fieldViolations(of payload: some DomainEventPayload) -> [FieldViolation] {
        var violations: [FieldViolation] = []
        payload.collectViolations(path: "", into: &violations)
        payload.personal?.collectViolations(path: ".personal", into: &violations)
        return violations
    }
}

extension String {
    /// True when the text has something besides white space: a reference or reason made of blanks says nothing.
    var hasContent: Bool { contains { !$0.isWhitespace } }
}
