import Domain
import Ledger

/// Realistic Polish identities for generated residents: names, gendered surnames, addresses in districts of a
/// fictional gmina, ages matching the target groups, and PESEL numbers with a valid check digit. Only ever
/// sealed: they exist to prove that no personal field reaches a file in clear.
struct PolishIdentities {
    static let femaleNames = [
        "Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Elżbieta", "Zofia",
        "Teresa", "Danuta", "Jadwiga", "Halina", "Irena", "Janina", "Helena", "Stanisława", "Wanda", "Alicja",
    ]
    static let maleNames = [
        "Jan", "Andrzej", "Piotr", "Krzysztof", "Stanisław", "Tomasz", "Paweł", "Józef", "Marcin", "Marek",
        "Michał", "Grzegorz", "Jerzy", "Tadeusz", "Adam", "Zbigniew", "Ryszard", "Kazimierz", "Henryk", "Wiesław",
    ]
    /// Surname stems with their masculine and feminine forms.
    static let surnames: [(male: String, female: String)] = [
        ("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"),
        ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"),
        ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"),
        ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Kwiatkowski", "Kwiatkowska"),
        ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"), ("Pawłowski", "Pawłowska"),
        ("Michalski", "Michalska"),
    ]
    static let streets = [
        "ul. Długa", "ul. Kościuszki", "ul. Mickiewicza", "ul. Polna", "ul. Leśna", "ul. Słoneczna", "ul. Ogrodowa",
        "ul. Szkolna", "ul. Lipowa", "ul. Kwiatowa", "os. Tysiąclecia", "ul. Jana Pawła II", "ul. Parkowa",
    ]
    static let districts = ["d-01", "d-02", "d-03", "d-04", "d-05", "d-06"]

    struct Identity {
        var personal: PersonRegistered.Personal
        var birthYear: Int
        var female: Bool
    }

    /// One resident born in `birthYear`, with a unique serial so PESEL numbers never collide within a run.
    static func make(serial: Int, birthYear: Int, using random: inout SplitMix64) -> Identity {
        let female = Bool.random(using: &random)
        let given = (female ? femaleNames : maleNames).randomElement(using: &random) ?? "Anna"
        let family = surnames.randomElement(using: &random).map { female ? $0.female : $0.male } ?? "Nowak"
        let month = Int.random(in: 1...12, using: &random)
        let day = Int.random(in: 1...28, using: &random)
        let street = streets.randomElement(using: &random) ?? "ul. Długa"
        let age = 2025 - birthYear
        let personal = PersonRegistered.Personal(
            givenName: given, familyName: family,
            nationalID: pesel(year: birthYear, month: month, day: day, serial: serial, female: female),
            address: "\(street) \(Int.random(in: 1...120, using: &random)), 00-950 Gmina Przykładowa",
            phone: "+48 5\(Int.random(in: 10_000_000...99_999_999, using: &random))",
            ageBand: age >= 75 ? "75plus" : age >= 60 ? "60-74" : age >= 18 ? "18-59" : "0-17",
            sex: female ? .female : .male, district: districts.randomElement(using: &random),
            residenceStatus: "permanent")
        return Identity(personal: personal, birthYear: birthYear, female: female)
    }

    /// A PESEL: YYMMDD (month +20 for 2000–2099), a 3-digit serial, a sex digit (even = female) and the check
    /// digit with weights 1-3-7-9.
    static func pesel(year: Int, month: Int, day: Int, serial: Int, female: Bool) -> String {
        let encodedMonth = month + (year >= 2000 ? 20 : 0)
        let serialDigits = serial % 1000
        let sexDigit = (serial / 1000 % 5) * 2 + (female ? 0 : 1)
        let text =
            two(year % 100) + two(encodedMonth) + two(day) + String(format3(serialDigits)) + String(sexDigit)
        let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
        let sum = zip(text.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return text + String((10 - sum % 10) % 10)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func format3(_ value: Int) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
    }
}
