print("orgd")
