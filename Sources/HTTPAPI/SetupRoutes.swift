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
        programme(router, "", ClearRequest<SetupRequests.AdoptProgramme>.self, "adopt-programme") { body, id, _ in
            .adoptProgramme(body.clear.command(id))
        }
        programme(router, "/services", EventCommandRequest<ProgrammeServiceDefined>.self, "define-service") {
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
        programme(router, "/fee-rules", ClearRequest<SetupRequests.DefineFeeRule>.self, "define-fee-rule") {
            body, id, _ in .defineFeeRule(body.clear.command(id))
        }
        programme(
            router, "/county-agreements", EventCommandRequest<CountyAgreementRecorded>.self, "record-county-agreement"
        ) { body, id, _ in
            let event = body.event(\.programmeId, id)
            return .recordCountyAgreement(
                RecordCountyAgreement(
                    programmeId: id, agreementId: event.agreementId, agreementRef: event.agreementRef,
                    county: event.county, serviceIds: event.serviceIds, validFrom: event.validFrom,
                    validTo: event.validTo))
        }
        programme(router, "/amendments", ClearRequest<SetupRequests.AmendProgramme>.self, "amend-programme") {
            [centre] body, id, _ in .amendProgramme(body.clear.command(id, centre: centre))
        }
        programme(router, "/end", EventCommandRequest<ProgrammeEnded>.self, "end-programme") { body, id, _ in
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
        provider(router, "", EventCommandRequest<ProviderRegistered>.self, "register-provider") { body, id, _ in
            let event = body.event(\.providerId, id)
            return .registerProvider(
                RegisterProvider(
                    providerId: id, name: event.name, providerType: event.providerType, krs: event.krs,
                    regon: event.regon, nip: event.nip, contactPersons: event.personal?.contactPersons ?? []))
        }
        provider(router, "/engagements", EventCommandRequest<ProviderEngaged>.self, "engage-provider") {
            [centre] body, id, facts throws(CommandError) in
            let event = body.event(\.providerId, id)
            return .engageProvider(
                EngageProvider(
                    providerId: id, engagementId: event.engagementId, programme: try facts.programme(event.programmeId),
                    centre: centre, mode: event.mode, serviceIds: event.serviceIds, unitRate: event.unitRate,
                    capacity: event.capacity, validFrom: event.validFrom, validTo: event.validTo,
                    procurementRef: event.procurementRef, agreementId: event.agreementId))
        }
        provider(router, "/capacity-changes", EventCommandRequest<ProviderCapacityChanged>.self, "change-capacity") {
            body, id, _ in
            let event = body.event(\.providerId, id)
            return .changeCapacity(
                ChangeProviderCapacity(
                    providerId: id, engagementId: event.engagementId, serviceId: event.serviceId,
                    capacity: event.capacity, effectiveFrom: event.effectiveFrom))
        }
        provider(
            router, "/engagement-amendments", EventCommandRequest<ProviderEngagementAmended>.self,
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
        provider(router, "/engagement-ends", EventCommandRequest<ProviderEngagementEnded>.self, "end-engagement") {
            body, id, _ in
            let event = body.event(\.providerId, id)
            return .endEngagement(
                EndProviderEngagement(
                    providerId: id, engagementId: event.engagementId, reason: event.reason,
                    effectiveFrom: event.effectiveFrom))
        }
        provider(router, "/suspensions", EventCommandRequest<ProviderSuspended>.self, "suspend-provider") {
            body, id, _ in
            let event = body.event(\.providerId, id)
            return .suspendProvider(
                SuspendProvider(
                    providerId: id, reason: event.reason, effectiveFrom: event.effectiveFrom, until: event.until))
        }
    }

    private func registerStaff(on router: Routes) {
        staff(
            router, "/qualifications", FieldsRequest<SetupRequests.QualifyStaff, StaffQualified.Personal>.self,
            "qualify-staff"
        ) { body, id in .qualify(body.clear.command(id, evidence: body.personal)) }
        staff(router, "/delegations", ClearRequest<SetupRequests.DelegateAuthority>.self, "delegate-authority") {
            body, id in .delegateAuthority(body.clear.command(id))
        }
        staff(router, "/revocations", EventCommandRequest<AuthorityRevoked>.self, "revoke-authority") { body, id in
            let event = body.event(\.staffId, id)
            return .revokeAuthority(
                RevokeAuthority(
                    staffId: id, delegationId: event.delegationId, effectiveFrom: event.effectiveFrom,
                    reason: event.reason))
        }
    }

    /// `POST /v1/programmes/{programmeId}<suffix>`: `command` builds the programme command from the body, the
    /// path's id and the facts of other streams.
    private func programme<Body: CommandRequest>(
        _ router: Routes, _ suffix: String, _ type: Body.Type, _ route: String,
        command: @Sendable @escaping (Body, ProgrammeID, DomainFacts) throws(CommandError) -> ProgrammeCommand
    ) {
        commands.post(
            router, "/v1/programmes/:programmeId" + suffix, id: "programmeId", ProgrammeID.self, type, route: route,
            group: .programmeSetup
        ) { [setup] body, id, envelope throws(CommandError) in
            try await setup.programme(try command(body, id, setup.facts), envelope: envelope)
        }
    }

    /// `POST /v1/providers/{providerId}<suffix>`.
    private func provider<Body: CommandRequest>(
        _ router: Routes, _ suffix: String, _ type: Body.Type, _ route: String,
        command: @Sendable @escaping (Body, ProviderID, DomainFacts) throws(CommandError) -> ProviderCommand
    ) {
        commands.post(
            router, "/v1/providers/:providerId" + suffix, id: "providerId", ProviderID.self, type, route: route,
            group: .providerSetup
        ) { [setup] body, id, envelope throws(CommandError) in
            try await setup.provider(try command(body, id, setup.facts), envelope: envelope)
        }
    }

    /// `POST /v1/staff/{staffId}<suffix>`.
    private func staff<Body: CommandRequest>(
        _ router: Routes, _ suffix: String, _ type: Body.Type, _ route: String,
        command: @Sendable @escaping (Body, StaffID) -> StaffCommand
    ) {
        commands.post(
            router, "/v1/staff/:staffId" + suffix, id: "staffId", StaffID.self, type, route: route, group: .staff
        ) { [setup] body, id, envelope throws(CommandError) in
            try await setup.staff(id, command(body, id), envelope: envelope)
        }
    }
}
