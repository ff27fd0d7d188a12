package kubernetes

import (
	"context"
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
)

// AppSpec is one release of an app as it is applied into one namespace:
// a Deployment and a Service of the same name.
type AppSpec struct {
	Name      string // DNS label
	AppID     string
	ReleaseID string
	Image     string
	Port      int32
	Replicas  int32
	Env       map[string]string
	// HealthPath, when set, is the readiness probe (HTTP GET on Port):
	// on a real cluster a pod counts as available only once it answers.
	HealthPath string
	// ProgressDeadline is how long the deployment controller waits before
	// it marks the rollout failed (seconds; default 600).
	ProgressDeadline int32
}

// AppState is what a site says of an app's rollout.
type AppState struct {
	// Available: the Deployment runs the spec's release with every
	// replica updated and available.
	Available bool
	// Failed: the deployment controller gave up (ProgressDeadlineExceeded).
	Failed bool
	Reason string
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
	return DeploymentState(dep, releaseID), nil
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
	return nil
}
