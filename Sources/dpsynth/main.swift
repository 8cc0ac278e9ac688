import DPSynthCLI

DPSynthCommand.runMain()
