package workload

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"replica.reason.deleted_outside": {
			ES: "eliminado fuera de soberana: el recurso %s se vio por última vez el %s",
			PT: "removido fora da soberana: o recurso %s foi visto pela última vez em %s",
			EN: "deleted outside soberana: resource %s was last seen at %s"},
		"replica.reason.recreated": {
			ES: "recreada en el sitio %s: el recurso %s fue eliminado fuera de soberana",
			PT: "recriada no site %s: o recurso %s foi removido fora da soberana",
			EN: "recreated on site %s: resource %s was deleted outside soberana"},
		"workload.reason.replica_deleted_outside": {
			ES: "réplica %s: el recurso %s en el sitio %s fue eliminado fuera de soberana",
			PT: "réplica %s: o recurso %s no site %s foi removido fora da soberana",
			EN: "replica %s: resource %s on site %s was deleted outside soberana"},
		"workload.reason.replica_recreated": {
			ES: "la réplica %s se vuelve a crear en el sitio %s",
			PT: "a réplica %s está sendo recriada no site %s",
			EN: "replica %s is being created again on site %s"},
		"workload.reason.replica_drift.restored": {
			ES: "réplica %s: el recurso %s fue cambiado fuera de soberana (%s); se restableció lo solicitado",
			PT: "réplica %s: o recurso %s foi alterado fora da soberana (%s); o solicitado foi restabelecido",
			EN: "replica %s: resource %s was changed outside soberana (%s); brought back to what was asked"},
		"workload.reason.replica_drift.adopted": {
			ES: "réplica %s: el recurso %s fue cambiado fuera de soberana (%s); el cambio se adoptó según la política",
			PT: "réplica %s: o recurso %s foi alterado fora da soberana (%s); a alteração foi adotada conforme a política",
			EN: "replica %s: resource %s was changed outside soberana (%s); the change was adopted as the policy says"},
		"workload.reason.replica_drift.reported": {
			ES: "réplica %s: el recurso %s fue cambiado fuera de soberana (%s); el proveedor no permite restablecerlo, corríjalo o mueva la carga",
			PT: "réplica %s: o recurso %s foi alterado fora da soberana (%s); o provedor não permite restabelecê-lo, corrija-o ou mova a carga",
			EN: "replica %s: resource %s was changed outside soberana (%s); the provider cannot bring it back, fix it or move the workload"},
	})
}
