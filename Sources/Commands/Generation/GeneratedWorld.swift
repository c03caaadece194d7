import Domain
import Foundation
import Ledger
import Synchronization

/// Everything a generation run decides up front from its seed: staff, programmes, providers, residents and
/// the month each resident first comes to the centre.
struct GeneratedWorld: Sendable {
    struct StaffMember: Sendable {
        var id: StaffID
        var role: StaffRole
        var actor: Actor
    }

    struct ProgrammePlan: Sendable {
        var id: ProgrammeID
        var template: GenerationCatalogue.Programme
        var maxPersons: [String: UInt64]
    }

    struct Resident: Sendable {
        var index: Int
        var person: PersonRef
        var identity: PersonRegistered.Personal
        var firstMonth: Int
        var programme: Int
        var serviceIDs: [String]
        var application: ApplicationID
        var random: UInt64
    }

    let options: CUSDataGenerator.Options
    let director: StaffMember
    let organisers: [StaffMember]
    let coordinators: [StaffMember]
    let clerks: [StaffMember]
    let finance: StaffMember
    let programmes: [ProgrammePlan]
    let providers: [(id: ProviderID, name: String, type: ProviderType)]
    /// Provider `i`'s one engagement, for `engagedServices[i % engagedServices.count]`.
    let engagementIDs: [EngagementID]
    let residents: [Resident]

    init(options: CUSDataGenerator.Options) {
        self.options = options
        var random = SplitMix64(seed: options.seed)
        func staff(_ role: StaffRole, _ actorRole: ActorRole) -> StaffMember {
            let id = StaffID(uuid: UUID128.random(using: &random).foundationUUID)
            return StaffMember(id: id, role: role, actor: .staff(id, role: actorRole))
        }
        director = staff(.director, .director)
        organisers = (0..<2).map { _ in staff(.servicesOrganiser, .servicesOrganiser) }
        coordinators = (0..<max(3, options.residents / 80)).map { _ in staff(.coordinator, .coordinator) }
        clerks = (0..<3).map { _ in staff(.coordinator, .intakeClerk) }
        finance = staff(.servicesOrganiser, .financeOfficer)
        let programmeCount = 2 + Int(random.next() % 3)
        programmes = GenerationCatalogue.programmes.prefix(programmeCount).map { template in
            var limits: [String: UInt64] = [:]
            for service in template.services {
                if let perHundred = service.placesPerHundred {
                    limits[service.id] = UInt64(max(2, options.residents * perHundred / 100))
                }
            }
            return ProgrammePlan(
                id: ProgrammeID(uuid: UUID128.random(using: &random).foundationUUID), template: template,
                maxPersons: limits)
        }
        let providerCount = min(40, max(10, options.residents / 250))
        let types: [ProviderType] = [.ngo, .socialEconomyEntity, .cusOwnUnit, .private, .gminaUnit, .healthcare]
        providers = (0..<providerCount).map { index in
            let base = GenerationCatalogue.providerNames[index % GenerationCatalogue.providerNames.count]
            let name = index < GenerationCatalogue.providerNames.count ? base : "\(base) \(index / 12 + 1)"
            return (ProviderID(uuid: UUID128.random(using: &random).foundationUUID), name, types[index % types.count])
        }
        engagementIDs = providers.map { _ in EngagementID(uuid: UUID128.random(using: &random).foundationUUID) }
        var residents: [Resident] = []
        for index in 0..<options.residents {
            let programme = Int(random.next() % UInt64(programmes.count))
            // One service per application: a decision in filing order is then one place granted or waited for.
            let services = programmes[programme].template.services
            let serviceIDs = [services[Int(random.next() % UInt64(services.count))].id]
            let birthYear = Int.random(in: 1930...2005, using: &random)
            residents.append(
                Resident(
                    index: index, person: PersonRef(uuid: UUID128.random(using: &random).foundationUUID),
                    identity: PolishIdentities.make(serial: index, birthYear: birthYear, using: &random).personal,
                    firstMonth: Int(random.next() % UInt64(max(1, options.months))), programme: programme,
                    serviceIDs: serviceIDs,
                    application: ApplicationID(uuid: UUID128.random(using: &random).foundationUUID),
                    random: random.next()))
        }
        self.residents = residents
    }

    /// Every (programme, service) pair in catalogue order: provider `i` is engaged for pair `i % count`.
    var engagedServices: [(programme: ProgrammePlan, service: GenerationCatalogue.Service)] {
        programmes.flatMap { programme in programme.template.services.map { (programme, $0) } }
    }

    /// The first provider engaged for `serviceID`, with its engagement.
    func engagement(forService serviceID: String) -> (provider: ProviderID, engagement: EngagementID)? {
        let pairs = engagedServices
        guard let index = providers.indices.first(where: { pairs[$0 % pairs.count].service.id == serviceID }) else {
            return nil
        }
        return (providers[index].id, engagementIDs[index])
    }

    func service(_ resident: Resident) -> GenerationCatalogue.Service? {
        programmes[resident.programme].template.services.first { $0.id == resident.serviceIDs.first }
    }

    /// The first day of month `month` of the run.
    func day(month: Int, day: Int) -> LocalDate { options.firstDay.adding(months: month).adding(days: Int64(day - 1)) }

    /// `hour` o'clock on `date`.
    func instant(_ date: LocalDate, hour: Int64) -> Instant {
        Instant(microsecondsSinceEpoch: Instant(startOf: date).microsecondsSinceEpoch + hour * 3_600_000_000)
    }

    /// A command envelope for a business date, with a command id whose time prefix is that date (G4).
    func envelope(_ actor: Actor, on date: LocalDate, hour: Int64 = 10, random: inout SplitMix64, what: String)
        -> CommandEnvelope
    {
        let instant = instant(date, hour: hour)
        let id = UUID128.version7(
            unixMilliseconds: UInt64(max(0, instant.microsecondsSinceEpoch / 1000)), using: &random)
        return CommandEnvelope(commandID: id, actor: actor, occurredAt: instant, fingerprint: what)
    }
}

/// Counts commands sent and rejections the simulation expected (a full place, a duplicate PESEL).
final class GenerationCounter: Sendable {
    private let counts = Mutex<(commands: Int, rejected: Int)>((0, 0))

    func command() { counts.withLock { $0.commands += 1 } }
    func rejected() { counts.withLock { $0.rejected += 1 } }
    func snapshot() -> (commands: Int, rejected: Int) { counts.withLock { $0 } }
}
