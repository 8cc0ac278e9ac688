enum AccountingPlaceholder {}
