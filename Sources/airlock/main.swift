import AirlockCLI

AirlockMain.run()
