"""One module per command (or command group); each lists its click commands in COMMANDS.

cli.py registers every module found here, so a new command is a new module.
"""
