/// Facts about the centre's gmina that no stream records but a decision needs, passed in by the command layer
/// from configuration so deciders stay pure.
public struct CentreFacts: Hashable, Sendable {
    /// A city with county rights (miasto na prawach powiatu) carries out county tasks itself, so L3 needs no
    /// gmina–county agreement there (art. 3).
    public var cityWithCountyRights: Bool

    public init(cityWithCountyRights: Bool) {
        self.cityWithCountyRights = cityWithCountyRights
    }
}
