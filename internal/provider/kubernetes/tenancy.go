package kubernetes

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	netv1ac "k8s.io/client-go/applyconfigurations/networking/v1"

	"github.com/soberana/soberana/internal/provider"
)

// Names of the tenancy objects in every namespace soberana makes.
const (
	quotaName      = "soberana-quota"
	limitsName     = "soberana-limits"
	denyPolicyName = "soberana-default-deny"
)

var applyOpts = metav1.ApplyOptions{FieldManager: FieldManager, Force: true}

// Sizing is what a namespace's ResourceQuota and LimitRange allow, derived
// from the offering a replica was placed with.
type Sizing struct {
	CPU, Memory, Storage resource.Quantity
	Pods                 int64
	// Per container: default limit and request, and maximum.
	DefaultCPU, DefaultMemory, RequestCPU, RequestMemory resource.Quantity
}

// SizeFor derives a namespace's quota and limits from the offering's
// vCPUs, memory and disk: the quota is the offering; each container gets
// by default a tenth of it (at least 100m and 64Mi), requests a quarter of
// that, and may take at most the whole quota.
func SizeFor(vcpus, memMiB, diskGiB int64) Sizing {
	vcpus, memMiB = max(vcpus, 1), max(memMiB, 128)
	defCPU := max(vcpus*1000/10, 100)
	defMem := max(memMiB/10, 64)
	return Sizing{
		CPU:           *resource.NewQuantity(vcpus, resource.DecimalSI),
		Memory:        *resource.NewQuantity(memMiB<<20, resource.BinarySI),
		Storage:       *resource.NewQuantity(max(diskGiB, 1)<<30, resource.BinarySI),
		Pods:          max(10, 10*vcpus),
		DefaultCPU:    *resource.NewMilliQuantity(defCPU, resource.DecimalSI),
		DefaultMemory: *resource.NewQuantity(defMem<<20, resource.BinarySI),
		RequestCPU:    *resource.NewMilliQuantity(max(defCPU/4, 25), resource.DecimalSI),
		RequestMemory: *resource.NewQuantity(max(defMem/4, 16)<<20, resource.BinarySI),
	}
}

func nsLabels(spec provider.Spec, ten Tenant, installation string) map[string]string {
	lb := map[string]string{
		LabelManaged:     managedValue,
		LabelWorkload:    spec.WorkloadID,
		LabelProject:     ten.ProjectID,
		LabelInstitution: ten.InstitutionID,
		LabelReplica:     spec.ReplicaID,
		LabelSite:        spec.SiteID,
	}
	if installation != "" {
		lb[LabelInstallation] = installation
	}
	return lb
}

// applyTenancy applies, in this order, the namespace, its default-deny
// NetworkPolicy, its LimitRange and its ResourceQuota (Observe counts the
// namespace ready once the last is there).
func applyTenancy(ctx context.Context, t Target, ns string, spec provider.Spec, ten Tenant, installation string) error {
	c := t.Client
	// A namespace of the same name made for another replica is never taken over.
	if cur, err := c.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil {
		if r := cur.Labels[LabelReplica]; r != spec.ReplicaID {
			return fmt.Errorf("kubernetes: namespace %s exists and belongs to replica %q", ns, r)
		}
		if i := cur.Labels[LabelInstallation]; i != "" && installation != "" && i != installation {
			return fmt.Errorf("kubernetes: namespace %s exists and belongs to soberana installation %q", ns, i)
		}
		if cur.DeletionTimestamp != nil {
			return fmt.Errorf("kubernetes: namespace %s is terminating: %w", ns, provider.ErrUnavailable)
		}
	}
	lb := nsLabels(spec, ten, installation)
	if _, err := c.CoreV1().Namespaces().Apply(ctx, corev1ac.Namespace(ns).WithLabels(lb), applyOpts); err != nil {
		return classify("apply namespace", err)
	}
	own := map[string]string{LabelManaged: managedValue, LabelReplica: spec.ReplicaID}

	np := netv1ac.NetworkPolicy(denyPolicyName, ns).WithLabels(own).
		WithSpec(netv1ac.NetworkPolicySpec().
			WithPodSelector(metav1ac.LabelSelector()).
			WithPolicyTypes("Ingress", "Egress").
			// Pods of the namespace may talk to each other, and ask the
			// cluster DNS (kube-system, port 53); nothing else.
			WithIngress(netv1ac.NetworkPolicyIngressRule().WithFrom(netv1ac.NetworkPolicyPeer().WithPodSelector(metav1ac.LabelSelector()))).
			WithEgress(
				netv1ac.NetworkPolicyEgressRule().WithTo(netv1ac.NetworkPolicyPeer().WithPodSelector(metav1ac.LabelSelector())),
				netv1ac.NetworkPolicyEgressRule().
					WithTo(netv1ac.NetworkPolicyPeer().WithNamespaceSelector(metav1ac.LabelSelector().WithMatchLabels(map[string]string{"kubernetes.io/metadata.name": "kube-system"}))).
					WithPorts(netv1ac.NetworkPolicyPort().WithProtocol(corev1.ProtocolUDP).WithPort(intstr.FromInt32(53)),
						netv1ac.NetworkPolicyPort().WithProtocol(corev1.ProtocolTCP).WithPort(intstr.FromInt32(53)))))
	if _, err := c.NetworkingV1().NetworkPolicies(ns).Apply(ctx, np, applyOpts); err != nil {
		return classify("apply network policy", err)
	}

	sz := SizeFor(spec.VCPUs, spec.MemoryMiB, spec.DiskGiB)
	lr := corev1ac.LimitRange(limitsName, ns).WithLabels(own).WithSpec(corev1ac.LimitRangeSpec().WithLimits(
		corev1ac.LimitRangeItem().WithType(corev1.LimitTypeContainer).
			WithDefault(corev1.ResourceList{corev1.ResourceCPU: sz.DefaultCPU, corev1.ResourceMemory: sz.DefaultMemory}).
			WithDefaultRequest(corev1.ResourceList{corev1.ResourceCPU: sz.RequestCPU, corev1.ResourceMemory: sz.RequestMemory}).
			WithMax(corev1.ResourceList{corev1.ResourceCPU: sz.CPU, corev1.ResourceMemory: sz.Memory})))
	if _, err := c.CoreV1().LimitRanges(ns).Apply(ctx, lr, applyOpts); err != nil {
		return classify("apply limit range", err)
	}

	q := corev1ac.ResourceQuota(quotaName, ns).WithLabels(own).WithSpec(corev1ac.ResourceQuotaSpec().WithHard(corev1.ResourceList{
		corev1.ResourceRequestsCPU:     sz.CPU,
		corev1.ResourceLimitsCPU:       sz.CPU,
		corev1.ResourceRequestsMemory:  sz.Memory,
		corev1.ResourceLimitsMemory:    sz.Memory,
		corev1.ResourceRequestsStorage: sz.Storage,
		corev1.ResourcePods:            *resource.NewQuantity(sz.Pods, resource.DecimalSI),
		corev1.ResourceServices:        *resource.NewQuantity(20, resource.DecimalSI),
	}))
	if _, err := c.CoreV1().ResourceQuotas(ns).Apply(ctx, q, applyOpts); err != nil {
		return classify("apply resource quota", err)
	}
	return nil
}
