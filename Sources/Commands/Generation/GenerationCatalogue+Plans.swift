import Domain

/// The words of generated IPUS: goals per service, supporting activities (L20), and the reasons coordinators
/// write for late approvals, suspensions, updates and early ends. Goals and reasons are sealed in the events.
extension GenerationCatalogue {
    static let planGoals: [String: [String]] = [
        "care": [
            "Utrzymanie samodzielności w czynnościach dnia codziennego.",
            "Zapewnienie regularnych posiłków i przyjmowania leków.",
            "Zmniejszenie poczucia osamotnienia i izolacji.",
        ],
        "respite-care": [
            "Odciążenie opiekuna rodzinnego i zapobieganie jego wypaleniu.",
            "Zapewnienie bezpiecznej opieki w czasie nieobecności opiekuna.",
        ],
        "psych": [
            "Poprawa radzenia sobie ze stresem i trudnymi emocjami.",
            "Odbudowa relacji w rodzinie.",
            "Wzmocnienie poczucia własnej wartości.",
        ],
        "reintegration": [
            "Podjęcie zatrudnienia lub szkolenia zawodowego.",
            "Wzmocnienie kompetencji społecznych i umiejętności poszukiwania pracy.",
            "Uregulowanie sytuacji mieszkaniowej i zadłużenia.",
        ],
    ]

    static let supportingActivities = [
        "Udział w spotkaniach klubu seniora", "Wsparcie wolontariusza w zakupach",
        "Konsultacje z pracownikiem socjalnym", "Warsztaty aktywizacyjne w CUS", "Spotkania grupy wsparcia",
    ]

    static let lateReasons = [
        "Hospitalizacja mieszkańca w okresie przygotowania planu.",
        "Oczekiwanie na dokumentację medyczną od lekarza rodzinnego.",
        "Długotrwała nieobecność koordynatora (zwolnienie lekarskie).",
        "Mieszkaniec poprosił o przesunięcie terminu uzgodnienia planu.",
    ]
    static let waitlistLateReason = "Plan sporządzony po zwolnieniu się miejsca w programie (lista oczekujących)."

    static let suspensionReasons = [
        "Pobyt w szpitalu.", "Turnus rehabilitacyjny poza gminą.",
        "Czasowy pobyt u rodziny poza miejscem zamieszkania.",
    ]

    static let updateReasons = [
        "Pogorszenie stanu zdrowia – potrzebny większy wymiar usług.",
        "Opiekun rodzinny podjął pracę – mniej wsparcia w ciągu dnia.",
        "Zalecenie lekarza po konsultacji specjalistycznej.",
    ]

    static let reviewIssues = [
        "Mieszkaniec zgłasza trudności z dojazdem na zajęcia.",
        "Rodzina prosi o zmianę godzin wizyt.", "Brak uwag; plan realizowany zgodnie z harmonogramem.",
    ]

    static let endReasons: [(reason: PlanEndReason, details: String)] = [
        (.died, "Mieszkaniec zmarł."), (.movedAway, "Przeprowadzka do rodziny w innej gminie."),
        (.needsMet, "Potrzeby zaspokojone wcześniej niż zakładano."),
        (.residentResigned, "Rezygnacja mieszkańca z dalszego wsparcia."),
        (.institutionalised, "Umieszczenie w domu pomocy społecznej."),
        (.nonCooperation, "Brak współpracy mimo kilkukrotnych prób kontaktu."),
    ]
}
