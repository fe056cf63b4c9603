"""The staff console: server-rendered pages over the five services' APIs, with the signed-in
user's token on every call (the APIs decide who may do what, and audit it)."""
