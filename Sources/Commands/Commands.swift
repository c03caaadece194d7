public import Domain

