package store

import "net/url"

func parseURIUserinfo(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", err
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	return u.String(), nil
}

// RedactURI hides the password of a connection URI, for logs.
func RedactURI(uri string) string { return redactURI(uri) }
