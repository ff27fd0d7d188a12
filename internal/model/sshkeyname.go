package model

import "strings"

// ValidSSHKeyName is the rule for an SSH key's name: up to 64 letters,
// digits, '.', '_', '@' or '-'. The API enforces it and the Terraform
// provider checks it at plan time.
func ValidSSHKeyName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._@-", c)) {
			return false
		}
	}
	return true
}
