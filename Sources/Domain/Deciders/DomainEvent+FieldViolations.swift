extension DomainEvent {
    /// Every schema violation of the event, clear and personal parts, so a decider refuses what the codec's JSON
    /// Schema would refuse before anything is appended.
    var fieldViolations: [FieldViolation] {
        let payload = self.payload
        var violations = payload.violations
        payload.personal?.collectViolations(path: ".personal", into: &violations)
        return violations
    }
}
