import Domain
import Foundation
import Ledger

/// What a charged resident is like as a payer, drawn once from the resident's seed: monthly income per person in
/// the household (the income tier), how they pay, and whether they ask for an exemption and how it ends.
struct FeeProfile {
    enum Payer { case punctual, late, partial, overpays, defaults }
    enum Exemption { case none, refused, partial, total }

    /// Grosze a month per person in the household (sealed as `incomeBasis`).
    var income: Int64
    var payer: Payer
    var method: PaymentMethod
    /// The individual virtual account (wirtualny rachunek) the centre gives each payer for transfers.
    var account: String
    var exemption: Exemption
    /// Granted from the first day of the month already charged, so that charge is cancelled and assessed again.
    var retroactive: Bool
    var openEnded: Bool
    var revokedLater: Bool
    var decidedByDirector: Bool
    var grounds: Int

    init(_ resident: GeneratedWorld.Resident) {
        var random = SplitMix64(seed: resident.random ^ 0xFEE5_0F11E)
        let incomeBand = Int.random(in: 0..<100, using: &random)
        let zloty =
            incomeBand < 20
            ? Int64.random(in: 900...1_499, using: &random)
            : incomeBand < 70
                ? Int64.random(in: 1_500...2_999, using: &random)
                : Int64.random(in: 3_000...5_800, using: &random)
        income = zloty * 100 + Int64.random(in: 0...99, using: &random)
        let payerRoll = Int.random(in: 0..<100, using: &random)
        payer =
            payerRoll < 68
            ? .punctual
            : payerRoll < 79 ? .late : payerRoll < 87 ? .partial : payerRoll < 93 ? .overpays : .defaults
        let methodRoll = Int.random(in: 0..<100, using: &random)
        method = methodRoll < 75 ? .bankTransfer : methodRoll < 93 ? .cash : .card
        account = Self.virtualAccount(resident.index)
        let exemptionRoll = Int.random(in: 0..<1_000, using: &random)
        // About 18 % ask; those in the free income tier have nothing to ask for, so about 15 % of those charged do.
        exemption =
            exemptionRoll < 820
            ? .none : exemptionRoll < 865 ? .refused : exemptionRoll < 945 ? .partial : .total
        retroactive = Bool.random(using: &random)
        openEnded = Int.random(in: 0..<3, using: &random) == 0
        revokedLater = Int.random(in: 0..<100, using: &random) < 30
        decidedByDirector = Int.random(in: 0..<100, using: &random) < 25
        grounds = Int.random(in: 0..<Self.grounds.count, using: &random)
    }

    /// A Polish IBAN with a valid check number (ISO 13616 mod 97): the centre's bank, then the payer's number.
    static func virtualAccount(_ index: Int) -> String {
        let bban = "10901014" + "0000" + "0712" + String(format: "%08d", 19_812_874 + index * 7)
        var remainder = 0
        for character in bban + "252100" {
            remainder = (remainder * 10 + (character.wholeNumberValue ?? 0)) % 97
        }
        var grouped = "PL" + String(format: "%02d", 98 - remainder)
        for (offset, character) in bban.enumerated() {
            if offset % 4 == 0 { grouped += " " }
            grouped.append(character)
        }
        return grouped
    }

    /// Grounds and evidence a resident gives, with the criterion met when granted.
    static let grounds: [(grounds: String, evidence: String, criterion: String)] = [
        (
            "Wysokie koszty leczenia i zakupu leków, przekraczające 30 % dochodu.",
            "Zaświadczenie ZUS o wysokości emerytury, faktury za leki z ostatnich trzech miesięcy.",
            "Wydatki na leczenie obniżają dochód poniżej progu określonego w uchwale."
        ),
        (
            "Małżonek korzysta z usług opiekuńczych w tym samym gospodarstwie domowym.",
            "Oświadczenie o składzie gospodarstwa domowego.",
            "Więcej niż jedna osoba w gospodarstwie korzysta z usług programu."
        ),
        (
            "Samotnie gospodarująca, dochód z renty socjalnej, zaległości w opłatach za mieszkanie.",
            "Decyzja ZUS o przyznaniu renty, zaświadczenie spółdzielni o zadłużeniu.",
            "Szczególnie trudna sytuacja materialna osoby samotnie gospodarującej."
        ),
        (
            "Zdarzenie losowe: zalanie mieszkania, koszty remontu.",
            "Protokół administratora budynku, kosztorys remontu.",
            "Zdarzenie losowe wskazane w uchwale jako przesłanka zwolnienia."
        ),
        (
            "Ponoszę odpłatność za pobyt męża w domu pomocy społecznej.",
            "Decyzja w sprawie odpłatności za pobyt w DPS.",
            "Ponoszenie odpłatności za pobyt członka rodziny w DPS."
        ),
    ]

    static let refusalReasons = [
        "Dochód przekracza próg z uchwały, a wskazane okoliczności nie są przesłanką zwolnienia.",
        "Nie udokumentowano wskazanych wydatków mimo wezwania do uzupełnienia wniosku.",
    ]

    static let revocationReasons = [
        "Poprawa sytuacji dochodowej: ustały przesłanki zwolnienia.",
        "Druga osoba w gospodarstwie zakończyła korzystanie z usług.",
    ]
}
