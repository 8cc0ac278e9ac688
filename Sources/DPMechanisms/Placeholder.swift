enum MechanismsPlaceholder {}
