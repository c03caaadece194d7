import Commands
import Domain
import Hummingbird

/// `POST /v1/fee-accounts/{personRef}/{programmeId}/…`: a resident's fee account in one programme (domain.md
/// §4.8), command group `.fees`. The path fixes `personRef` and `programmeId`; a body may omit them. A payment's
/// command id derives from its reference (ledger.md G4), so `Idempotency-Key` is optional there. Decisions
/// (exemptions, write-offs) are the caller's: a director's, or a delegate's whose delegations the decider checks.
struct FeeRoutes {
    let commands: CommandRoutes
    let fees: FeeCommands

    init(server: APIServer) {
        commands = CommandRoutes(server: server)
        fees = FeeCommands(services: server.services)
    }

    /// The account, the acting staff member and the facts an action is built from.
    struct Account {
        var person: PersonRef
        var programme: ProgrammeID
        var actor: Actor
        var facts: DomainFacts

        /// The deciding staff member's state for a delegate's decision; nil for a director.
        func decider() throws(CommandError) -> StaffState? {
            guard actor.role != .director, let staff = actor.staffID else { return nil }
            return try facts.staff(staff)
        }
    }

    typealias Build<Body> = @Sendable (Body, Account) throws(CommandError) -> FeeAccountAction

    func register(on router: Routes) {
        post(router, "charges", FieldsRequest<AssessFeeFields, FeeAssessed.Personal>.self, route: "assess-fee") {
            body, account throws(CommandError) in .assess(try Self.assessment(body.clear, body.personal, account))
        }
        post(
            router, "exemption-requests", FieldsRequest<ExemptionRequestFields, FeeExemptionRequested.Personal>.self,
            route: "request-fee-exemption"
        ) { body, _ in
            .requestExemption(
                RequestFeeExemption(requestedKind: body.clear.requestedKind, personal: body.personal.ifGiven))
        }
        post(
            router, "exemptions", FieldsRequest<GrantExemptionFields, FeeExemptionGranted.Personal>.self,
            route: "grant-fee-exemption"
        ) { body, account throws(CommandError) in
            let fields = body.clear
            return .grantExemption(
                GrantFeeExemption(
                    exemptionId: fields.exemptionId, kind: fields.kind, percent: fields.percent,
                    validFrom: fields.validFrom, validTo: fields.validTo, serviceIds: fields.serviceIds,
                    exemptionRuleId: fields.exemptionRuleId, decisionRef: fields.decisionRef,
                    programme: try account.facts.programme(account.programme), decider: try account.decider(),
                    personal: body.personal.ifGiven))
        }
        post(
            router, "exemption-refusals", FieldsRequest<RefuseExemptionFields, FeeExemptionRefused.Personal>.self,
            route: "refuse-fee-exemption"
        ) { body, account throws(CommandError) in
            .refuseExemption(
                RefuseFeeExemption(
                    decisionRef: body.clear.decisionRef, decider: try account.decider(), personal: body.personal.ifGiven
                ))
        }
        post(router, "exemption-revocations", EventRequest<FeeExemptionRevoked>.self, route: "revoke-fee-exemption") {
            body, account throws(CommandError) in
            let event = body.event
            return .revokeExemption(
                RevokeFeeExemption(
                    exemptionId: event.exemptionId, effectiveFrom: event.effectiveFrom, decisionRef: event.decisionRef,
                    decider: try account.decider(), personal: event.personal))
        }
        post(
            router, "payments", EventRequest<PaymentReceived>.self, route: "receive-payment",
            naturalKey: { body in
                let event = body.event
                return CommandRoutes.NaturalKey(
                    FeeCommands.naturalKey(Self.payment(event), from: event.personRef, programme: event.programmeId))
            }
        ) { body, _ in .receivePayment(Self.payment(body.event)) }
        post(router, "charge-cancellations", EventRequest<ChargeCancelled>.self, route: "cancel-charge") { body, _ in
            let event = body.event
            return .cancelCharge(CancelCharge(chargeId: event.chargeId, amount: event.amount, reason: event.reason))
        }
        post(router, "charge-write-offs", ClearRequest<WriteOffFields>.self, route: "write-off-charge") {
            body, account throws(CommandError) in
            let fields = body.clear
            return .writeOffCharge(
                WriteOffCharge(
                    chargeId: fields.chargeId, amount: fields.amount, reason: fields.reason,
                    decisionRef: fields.decisionRef, decider: try account.decider()))
        }
    }

    /// A `POST /v1/fee-accounts/{personRef}/{programmeId}/<path>` whose action `build` makes from the body.
    private func post<Body: CommandRequest>(
        _ router: Routes, _ path: String, _ type: Body.Type, route: String,
        naturalKey: (@Sendable (Body) -> CommandRoutes.NaturalKey)? = nil, build: @escaping Build<Body>
    ) {
        router.post("/v1/fee-accounts/:personRef/:programmeId/\(path)") { request, context in
            let person = try pathIdentifier(context, "personRef", PersonRef.self)
            let programme = try pathIdentifier(context, "programmeId", ProgrammeID.self)
            return try await commands.run(
                request, context, type, route: route, group: .fees,
                known: { _ in ["personRef": person.description, "programmeId": programme.description] },
                naturalKey: naturalKey
            ) { [fees] body, envelope throws(CommandError) in
                try await fees.account(person, programme: programme, envelope: envelope) {
                    facts throws(CommandError) in
                    try build(
                        body, Account(person: person, programme: programme, actor: envelope.actor, facts: facts))
                }
            }
        }
    }

    private static func payment(_ event: PaymentReceived) -> ReceivePayment {
        ReceivePayment(
            paymentReference: event.paymentReference, amount: event.amount, receivedOn: event.receivedOn,
            method: event.method, allocations: event.allocations)
    }

    /// The charge as `FeeDesk` computes it for the account as it stands.
    private static func assessment(
        _ fields: AssessFeeFields, _ personal: FeeAssessed.Personal, _ account: Account
    ) throws(CommandError) -> AssessFee {
        // Read as the decider reads it: `2025-+9` or `-2025-5` is no month.
        guard let period = ChargePeriod(fields.chargePeriod) else {
            throw CommandError(rejection: FeeAccountRejection.invalidChargePeriod(chargePeriod: fields.chargePeriod))
        }
        let programme = try account.facts.programme(account.programme)
        let state = try account.facts.state(
            FeeAccountDecider.self, of: try LedgerNames.feeAccount(account.person, programme: account.programme))
        guard
            let assessment = FeeDesk.assessment(
                chargeId: fields.chargeId, programme: programme, service: fields.serviceId, units: fields.units,
                tierIndex: fields.incomeTierIndex, state: state, periodStart: period.firstDay,
                periodEnd: period.lastDay,
                personal: personal.ifGiven)
        else {
            throw CommandError(
                rejection: programme.feeRule(forService: fields.serviceId) == nil
                    ? FeeAccountRejection.noFeeRule(serviceId: fields.serviceId)
                    : FeeAccountRejection.incomeTierMismatch)
        }
        return assessment
    }
}
