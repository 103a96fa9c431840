// The request pipeline and endpoints; see docs/architecture.md.
