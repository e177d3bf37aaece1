import { ViewHeader } from '../components/ViewHeader';
import { SandboxCard } from './SandboxCard';

export function SetupView() {
  return (
    <>
      <ViewHeader title="Setup" subtitle="Connect the TrueFoundry AI Gateway to ClickStack, one verified step at a time." />
      <SandboxCard />
      <section className="card">
        <h2>Your own ClickStack</h2>
        <p className="muted">
          Profiles for staging and production pipelines, with credentials in the OS keychain and a checklist that verifies each step of the
          integration guide, arrive with the profiles feature. Until then the app works against the local sandbox above.
        </p>
      </section>
    </>
  );
}
