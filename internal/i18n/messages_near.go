package i18n

// Messages of nearest-site placement for people (issue 21, item 3):
// coverage requirements (near points, one replica per subdivision), their
// validation and the failover that keeps them.
func init() {
	Add(map[string]Text{
		"placement.invalid.fewer_than_cover": {
			ES: "%s: menos réplicas que puntos y subdivisiones a cubrir (cada uno necesita su propia réplica)",
			PT: "%s: menos réplicas que pontos e subdivisões a cobrir (cada um precisa de sua própria réplica)",
			EN: "%s: fewer replicas than the points and subdivisions to cover (each needs a replica of its own)",
		},
		"placement.invalid.duplicate": {
			ES: "%s: repetido",
			PT: "%s: repetido",
			EN: "%s: listed twice",
		},
		"placement.cover.subdivision": {
			ES: "ningún sitio que cumpla las demás restricciones está en %s",
			PT: "nenhum site que atenda às demais restrições está em %s",
			EN: "no site that meets the other constraints is in %s",
		},
		"placement.cover.point": {
			ES: "ningún sitio que cumpla las demás restricciones está a %.0f km o menos de %s",
			PT: "nenhum site que atenda às demais restrições está a até %.0f km de %s",
			EN: "no site that meets the other constraints is within %.0f km of %s",
		},
		"placement.cover.point_nearest": {
			ES: "ningún sitio que cumpla las demás restricciones está a %.0f km o menos de %s (el más cercano, %s, está a %.0f km)",
			PT: "nenhum site que atenda às demais restrições está a até %.0f km de %s (o mais próximo, %s, está a %.0f km)",
			EN: "no site that meets the other constraints is within %.0f km of %s (the nearest, %s, is %.0f km away)",
		},
		"placement.choice.serves_point": {
			ES: "atiende %s a %.1f km",
			PT: "atende %s a %.1f km",
			EN: "serves %s at %.1f km",
		},
		"placement.choice.serves_subdivision": {
			ES: "atiende %s",
			PT: "atende %s",
			EN: "serves %s",
		},
	})
}

func init() {
	Add(map[string]Text{
		"workload.field.near_label": {
			ES: "la etiqueta tiene más de 200 caracteres",
			PT: "o rótulo tem mais de 200 caracteres",
			EN: "the label is longer than 200 characters",
		},
		"workload.field.cover_duplicate": {
			ES: "la subdivisión %s aparece dos veces",
			PT: "a subdivisão %s aparece duas vezes",
			EN: "subdivision %s is listed twice",
		},
		"workload.field.cover_too_many": {
			ES: "a lo sumo %d puntos y subdivisiones en total (recibidos %d)",
			PT: "no máximo %d pontos e subdivisões no total (recebidos %d)",
			EN: "at most %d points and subdivisions in all (got %d)",
		},
		"workload.field.cover_replicas": {
			ES: "%d réplicas no alcanzan para %d puntos y %d subdivisiones: cada uno necesita su propia réplica",
			PT: "%d réplicas não bastam para %d pontos e %d subdivisões: cada um precisa de sua própria réplica",
			EN: "%d replicas are too few for %d points and %d subdivisions: each needs a replica of its own",
		},
	})
}
