package i18n

// Messages of the reader's time zone (issue 18, times in the reader's zone).
func init() {
	Add(map[string]Text{
		"problem.bad-request.tz": {
			ES: "%q no es una zona horaria; use un nombre IANA como America/Sao_Paulo",
			PT: "%q não é um fuso horário; use um nome IANA como America/Sao_Paulo",
			EN: "%q is not a time zone; use an IANA name such as America/Sao_Paulo"},
	})
}
