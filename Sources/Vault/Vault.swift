public import Ledger

