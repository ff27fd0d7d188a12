package kubernetes

import (
	"context"
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	networkingv1ac "k8s.io/client-go/applyconfigurations/networking/v1"

	"github.com/soberana/soberana/internal/provider"
)

// AppSpec is one release of an app as it is applied into one namespace:
// a Deployment, a Service of the same name and, where the provider's
// config names an ingress domain, an Ingress.
type AppSpec = provider.AppSpec

// AppState is what a site says of an app's rollout.
type AppState = provider.AppState

var _ provider.AppDeployer = (*Driver)(nil)

// AppHost is the Ingress host of an app in a namespace under domain.
func AppHost(name, namespace, domain string) string { return name + "." + namespace + "." + domain }

// appURL is where the app is reached: its Ingress host, or else its
// Service's in-cluster name.
func appURL(t Target, name, namespace string, port int32) string {
	if t.IngressDomain != "" {
		return "https://" + AppHost(name, namespace, t.IngressDomain)
	}
	return fmt.Sprintf("http://%s.%s.svc:%d", name, namespace, port)
}

// ApplyApp server-side-applies the app's Deployment and Service into the
// namespace. Applying the same spec again changes nothing.
func (d *Driver) ApplyApp(ctx context.Context, providerID, siteID, namespace string, s AppSpec) error {
	t, err := d.SiteClient(ctx, providerID, siteID)
	if err != nil {
		return err
	}
	sel := map[string]string{LabelApp: s.AppID}
	lb := map[string]string{LabelManaged: managedValue, LabelApp: s.AppID, LabelRelease: s.ReleaseID, "app.kubernetes.io/name": s.Name}
	keys := make([]string, 0, len(s.Env))
	for k := range s.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ct := corev1ac.Container().WithName(s.Name).WithImage(s.Image).
		WithPorts(corev1ac.ContainerPort().WithName("http").WithContainerPort(s.Port))
	for _, k := range keys {
		ct.WithEnv(corev1ac.EnvVar().WithName(k).WithValue(s.Env[k]))
	}
	if s.HealthPath != "" {
		ct.WithReadinessProbe(corev1ac.Probe().WithHTTPGet(corev1ac.HTTPGetAction().WithPath(s.HealthPath).WithPort(intstr.FromString("http"))).
			WithPeriodSeconds(5).WithFailureThreshold(3))
	}
	pd := s.ProgressDeadline
	if pd <= 0 {
		pd = 600
	}
	dep := appsv1ac.Deployment(s.Name, namespace).WithLabels(lb).
		WithSpec(appsv1ac.DeploymentSpec().WithReplicas(s.Replicas).WithProgressDeadlineSeconds(pd).
			WithSelector(metav1ac.LabelSelector().WithMatchLabels(sel)).
			WithTemplate(corev1ac.PodTemplateSpec().WithLabels(lb).WithSpec(corev1ac.PodSpec().WithContainers(ct))))
	if _, err := t.Client.AppsV1().Deployments(namespace).Apply(ctx, dep, applyOpts); err != nil {
		return classify("apply deployment", err)
	}
	svc := corev1ac.Service(s.Name, namespace).WithLabels(map[string]string{LabelManaged: managedValue, LabelApp: s.AppID}).
		WithSpec(corev1ac.ServiceSpec().WithSelector(sel).
			WithPorts(corev1ac.ServicePort().WithName("http").WithPort(s.Port).WithTargetPort(intstr.FromString("http"))))
	if _, err := t.Client.CoreV1().Services(namespace).Apply(ctx, svc, applyOpts); err != nil {
		return classify("apply service", err)
	}
	if t.IngressDomain == "" {
		return nil
	}
	pt := networkingv1.PathTypePrefix
	spec := networkingv1ac.IngressSpec().WithRules(networkingv1ac.IngressRule().WithHost(AppHost(s.Name, namespace, t.IngressDomain)).
		WithHTTP(networkingv1ac.HTTPIngressRuleValue().WithPaths(networkingv1ac.HTTPIngressPath().WithPath("/").WithPathType(pt).
			WithBackend(networkingv1ac.IngressBackend().WithService(networkingv1ac.IngressServiceBackend().WithName(s.Name).
				WithPort(networkingv1ac.ServiceBackendPort().WithName("http")))))))
	if t.IngressClass != "" {
		spec.WithIngressClassName(t.IngressClass)
	}
	ing := networkingv1ac.Ingress(s.Name, namespace).WithLabels(map[string]string{LabelManaged: managedValue, LabelApp: s.AppID}).WithSpec(spec)
	if _, err := t.Client.NetworkingV1().Ingresses(namespace).Apply(ctx, ing, applyOpts); err != nil {
		return classify("apply ingress", err)
	}
	return nil
}

// AppStatus reads the rollout of release on one site from the
// Deployment's status, the way `kubectl rollout status` does.
func (d *Driver) AppStatus(ctx context.Context, providerID, siteID, namespace, name, releaseID string) (AppState, error) {
	t, err := d.SiteClient(ctx, providerID, siteID)
	if err != nil {
		return AppState{}, err
	}
	dep, err := t.Client.AppsV1().Deployments(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return AppState{Reason: "deployment missing"}, nil
	}
	if err != nil {
		return AppState{}, classify("get deployment", err)
	}
	as := DeploymentState(dep, releaseID)
	port := int32(0)
	if cs := dep.Spec.Template.Spec.Containers; len(cs) > 0 && len(cs[0].Ports) > 0 {
		port = cs[0].Ports[0].ContainerPort
	}
	as.URL = appURL(t, name, namespace, port)
	return as, nil
}

// DeploymentState judges a Deployment's status for a release.
func DeploymentState(dep *appsv1.Deployment, releaseID string) AppState {
	if dep.Labels[LabelRelease] != releaseID {
		return AppState{Reason: fmt.Sprintf("runs release %q", dep.Labels[LabelRelease])}
	}
	for _, c := range dep.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Status == corev1.ConditionFalse && c.Reason == "ProgressDeadlineExceeded" {
			return AppState{Failed: true, Reason: "progress deadline exceeded: " + c.Message}
		}
	}
	want := int32(1)
	if dep.Spec.Replicas != nil {
		want = *dep.Spec.Replicas
	}
	st := dep.Status
	switch {
	case st.ObservedGeneration < dep.Generation:
		return AppState{Reason: "waiting for the deployment controller"}
	case st.UpdatedReplicas < want:
		return AppState{Reason: fmt.Sprintf("%d of %d replicas updated", st.UpdatedReplicas, want)}
	case st.Replicas > st.UpdatedReplicas:
		return AppState{Reason: fmt.Sprintf("%d old replicas pending termination", st.Replicas-st.UpdatedReplicas)}
	case st.AvailableReplicas < want:
		return AppState{Reason: fmt.Sprintf("%d of %d replicas available", st.AvailableReplicas, want)}
	}
	return AppState{Available: true}
}

// DeleteApp removes the app's Deployment and Service from the namespace
// (a first release that failed leaves nothing behind).
func (d *Driver) DeleteApp(ctx context.Context, providerID, siteID, namespace, name string) error {
	t, err := d.SiteClient(ctx, providerID, siteID)
	if err != nil {
		return err
	}
	if err := t.Client.AppsV1().Deployments(namespace).Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return classify("delete deployment", err)
	}
	if err := t.Client.CoreV1().Services(namespace).Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return classify("delete service", err)
	}
	if err := t.Client.NetworkingV1().Ingresses(namespace).Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return classify("delete ingress", err)
	}
	return nil
}
