import DPSynthCLI

AllocatorSettings.apply()
DPSynthCommand.runMain()
