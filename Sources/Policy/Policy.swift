// Grade ladders, permissions, scopes and decisions: pure Swift, no I/O.
