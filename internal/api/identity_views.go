package api

import (
	"github.com/soberana/soberana/internal/model"
)

// The API's views of identity nouns whose stored form holds what is never
// sent: a user's password hash and failed sign-in count. Tokens, role
// bindings, grants and grant changes are answered as the model nouns
// themselves: their wire form is the noun (a token's hash is json:"-").

// UserView is a user as the API shows it (model.UserView).
type UserView = model.UserView

func userView(u model.User) UserView {
	return UserView{Meta: u.Meta, Email: u.Email, Name: u.Name, OIDCIssuer: u.OIDCIssuer, OIDCSubject: u.OIDCSubject,
		Disabled: u.Disabled, LockedUntil: u.LockedUntil, LastLoginAt: u.LastLoginAt}
}

func userViews(us []model.User) []UserView {
	out := make([]UserView, len(us))
	for i, u := range us {
		out[i] = userView(u)
	}
	return out
}

// APITokenView is a stored API token as the API shows it: the noun itself
// (model.APIToken), whose hash is never encoded (json:"-"); the secret is
// shown once, at creation.
type APITokenView = model.APIToken
