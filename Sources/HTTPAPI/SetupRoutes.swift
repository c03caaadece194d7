import Commands
import Domain
import Hummingbird

/// `POST` routes that set up a centre: programmes, their catalogue, fee rules and county agreements
/// (domain.md §4.2), rule-set publication (§3.1), providers and their engagements (§4.3), staff qualifications
/// and delegations (§4.10). Each works as `CommandRoutes.run` describes (Idempotency-Key, If-Match, `Appended`).
struct SetupRoutes {
    let server: APIServer
    let setup: SetupCommands

    init(server: APIServer) {
        self.server = server
        setup = SetupCommands(services: server.services)
    }

    var commands: CommandRoutes { CommandRoutes(server: server) }
    var centre: CentreFacts { server.configuration.centre }

    func register(on router: Routes) {
        registerProgrammes(on: router)
        registerProviders(on: router)
        registerStaff(on: router)
    }

    private func registerProgrammes(on router: Routes) {
        post(router, Self.programmes, "", ClearRequest<SetupRequests.AdoptProgramme>.self, "adopt-programme") {
            body, id, _ in
            .adoptProgramme(body.clear.command(id))
        }
        post(router, Self.programmes, "/services", EventCommandRequest<ProgrammeServiceDefined>.self, "define-service")
        {
            [centre] body, id, _ in
            let event = body.event(\.programmeId, id)
            return .defineService(
                DefineProgrammeService(
                    programmeId: id, serviceId: event.serviceId, name: event.name, area: event.area,
                    statutoryBasis: event.statutoryBasis, taskOwner: event.taskOwner, unit: event.unit,
                    addresseeType: event.addresseeType, material: event.material, requiresPlan: event.requiresPlan,
                    targetGroups: event.targetGroups, accessCriteria: event.accessCriteria,
                    standardRef: event.standardRef, limits: event.limits, feeRuleId: event.feeRuleId, centre: centre))
        }
        post(router, Self.programmes, "/fee-rules", ClearRequest<SetupRequests.DefineFeeRule>.self, "define-fee-rule") {
            body, id, _ in .defineFeeRule(body.clear.command(id))
        }
        post(
            router, Self.programmes, "/county-agreements", EventCommandRequest<CountyAgreementRecorded>.self,
            "record-county-agreement"
        ) { body, id, _ in
            let event = body.event(\.programmeId, id)
            return .recordCountyAgreement(
                RecordCountyAgreement(
                    programmeId: id, agreementId: event.agreementId, agreementRef: event.agreementRef,
                    county: event.county, serviceIds: event.serviceIds, validFrom: event.validFrom,
                    validTo: event.validTo))
        }
        post(router, Self.programmes, "/amendments", ClearRequest<SetupRequests.AmendProgramme>.self, "amend-programme")
        {
            [centre] body, id, _ in .amendProgramme(body.clear.command(id, centre: centre))
        }
        post(router, Self.programmes, "/end", EventCommandRequest<ProgrammeEnded>.self, "end-programme") {
            body, id, _ in
            let event = body.event(\.programmeId, id)
            return .endProgramme(
                EndProgramme(
                    programmeId: id, resolutionRef: event.resolutionRef, endDate: event.endDate, reason: event.reason))
        }
        router.post("/v1/rule-sets/publications") { request, context in
            try await commands.run(
                request, context, ClearRequest<SetupRequests.PublishRuleSet>.self, route: "publish-rule-set",
                group: .programmeSetup
            ) { [setup] body, _ throws(CommandError) in
                try await setup.publish(body.clear.ruleSetVersion)
            }
        }
    }

    private func registerProviders(on router: Routes) {
        post(router, Self.providers, "", EventCommandRequest<ProviderRegistered>.self, "register-provider") {
            body, id, _ in
            let event = body.event(\.providerId, id)
            return .registerProvider(
                RegisterProvider(
                    providerId: id, name: event.name, providerType: event.providerType, krs: event.krs,
                    regon: event.regon, nip: event.nip, contactPersons: event.personal?.contactPersons ?? []))
        }
        post(router, Self.providers, "/engagements", EventCommandRequest<ProviderEngaged>.self, "engage-provider") {
            [centre] body, id, facts throws(CommandError) in
            let event = body.event(\.providerId, id)
            return .engageProvider(
                EngageProvider(
                    providerId: id, engagementId: event.engagementId, programme: try facts.programme(event.programmeId),
                    centre: centre, mode: event.mode, serviceIds: event.serviceIds, unitRate: event.unitRate,
                    capacity: event.capacity, validFrom: event.validFrom, validTo: event.validTo,
                    procurementRef: event.procurementRef, agreementId: event.agreementId))
        }
        post(
            router, Self.providers, "/capacity-changes", EventCommandRequest<ProviderCapacityChanged>.self,
            "change-capacity"
        ) {
            body, id, _ in
            let event = body.event(\.providerId, id)
            return .changeCapacity(
                ChangeProviderCapacity(
                    providerId: id, engagementId: event.engagementId, serviceId: event.serviceId,
                    capacity: event.capacity, effectiveFrom: event.effectiveFrom))
        }
        post(
            router, Self.providers, "/engagement-amendments", EventCommandRequest<ProviderEngagementAmended>.self,
            "amend-engagement"
        ) { [centre] body, id, facts throws(CommandError) in
            let event = body.event(\.providerId, id)
            // The engagement's own programme; an unknown engagement is the decider's refusal.
            let programme = try facts.provider(id).engagements[event.engagementId]?.programmeId
            return .amendEngagement(
                AmendProviderEngagement(
                    providerId: id, engagementId: event.engagementId,
                    programme: try programme.map { id throws(CommandError) in try facts.programme(id) }
                        ?? ProgrammeState(),
                    centre: centre, unitRate: event.unitRate, validTo: event.validTo, reason: event.reason,
                    effectiveFrom: event.effectiveFrom))
        }
        post(
            router, Self.providers, "/engagement-ends", EventCommandRequest<ProviderEngagementEnded>.self,
            "end-engagement"
        ) {
            body, id, _ in
            let event = body.event(\.providerId, id)
            return .endEngagement(
                EndProviderEngagement(
                    providerId: id, engagementId: event.engagementId, reason: event.reason,
                    effectiveFrom: event.effectiveFrom))
        }
        post(router, Self.providers, "/suspensions", EventCommandRequest<ProviderSuspended>.self, "suspend-provider") {
            body, id, _ in
            let event = body.event(\.providerId, id)
            return .suspendProvider(
                SuspendProvider(
                    providerId: id, reason: event.reason, effectiveFrom: event.effectiveFrom, until: event.until))
        }
    }

    private func registerStaff(on router: Routes) {
        post(
            router, Self.staffMembers, "/qualifications",
            FieldsRequest<SetupRequests.QualifyStaff, StaffQualified.Personal>.self,
            "qualify-staff"
        ) { body, id, _ in .qualify(body.clear.command(id, evidence: body.personal)) }
        post(
            router, Self.staffMembers, "/delegations", ClearRequest<SetupRequests.DelegateAuthority>.self,
            "delegate-authority"
        ) {
            body, id, _ in .delegateAuthority(body.clear.command(id))
        }
        post(router, Self.staffMembers, "/revocations", EventCommandRequest<AuthorityRevoked>.self, "revoke-authority")
        { body, id, _ in
            let event = body.event(\.staffId, id)
            return .revokeAuthority(
                RevokeAuthority(
                    staffId: id, delegationId: event.delegationId, effectiveFrom: event.effectiveFrom,
                    reason: event.reason))
        }
    }

    /// One kind of set-up stream: its path (with the id parameter), its command group, and how its commands run.
    struct Stream<ID: EntityIdentifier, Command: Sendable>: Sendable {
        let path: String
        let parameter: String
        let group: AccessPolicy.CommandGroup
        let execute: @Sendable (SetupCommands, ID, Command, CommandEnvelope) async throws(CommandError) -> CommandResult
    }

    static let programmes = Stream<ProgrammeID, ProgrammeCommand>(
        path: "/v1/programmes/:programmeId", parameter: "programmeId", group: .programmeSetup
    ) { setup, _, command, envelope throws(CommandError) in try await setup.programme(command, envelope: envelope) }

    static let providers = Stream<ProviderID, ProviderCommand>(
        path: "/v1/providers/:providerId", parameter: "providerId", group: .providerSetup
    ) { setup, _, command, envelope throws(CommandError) in try await setup.provider(command, envelope: envelope) }

    static let staffMembers = Stream<StaffID, StaffCommand>(
        path: "/v1/staff/:staffId", parameter: "staffId", group: .staff
    ) { setup, id, command, envelope throws(CommandError) in try await setup.staff(id, command, envelope: envelope) }

    /// `POST <stream's path><suffix>`: `command` builds the stream's command from the body, the path's id and the
    /// facts of other streams.
    private func post<Body: CommandRequest, ID, Command>(
        _ router: Routes, _ stream: Stream<ID, Command>, _ suffix: String, _ type: Body.Type, _ route: String,
        command: @Sendable @escaping (Body, ID, DomainFacts) throws(CommandError) -> Command
    ) {
        commands.post(
            router, stream.path + suffix, id: stream.parameter, ID.self, type, route: route, group: stream.group
        ) { [setup] body, id, envelope throws(CommandError) in
            try await stream.execute(setup, id, try command(body, id, setup.facts), envelope)
        }
    }
}
