import DPSynthCLI

DPSynthCommand.main()
