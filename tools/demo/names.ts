/** Word lists for the demo network: diverse people's names, district and school names, evidence notes and consensus wording. */

export const NETWORK_NAME = 'Bluebonnet Improvement Network';
/** Hub staff and the network admin have addresses here; everyone else at their district's domain. */
export const NETWORK_DOMAIN = 'bluebonnet-network.example.org';

/**
 * Given names and family names that go together, weighted roughly like the staff of a large Texas
 * district; NAME_MIX of people take a family name from another group (marriage, adoption, history).
 */
export interface NameGroup {
  weight: number;
  given: readonly string[];
  family: readonly string[];
}

export const NAME_MIX = 0.12;

export const NAME_GROUPS: readonly NameGroup[] = [
  {
    weight: 36,
    given: [
      'María', 'José', 'Guadalupe', 'Jesús', 'Ximena', 'Santiago', 'Camila', 'Mateo', 'Valentina', 'Alejandro',
      'Sofía', 'Diego', 'Rosa', 'Luis', 'Carmen', 'Javier', 'Gabriela', 'Ricardo', 'Esperanza', 'Rubén',
      'Marisol', 'Héctor', 'Yesenia', 'Armando', 'Araceli', 'Rafael', 'Lucía', 'Francisco', 'Paola', 'Sebastián',
      'Dolores', 'Inés', 'Beatriz', 'Reyna', 'Blanca', 'Emilio', 'Itzel', 'Joaquín', 'Nayeli', 'Ernesto',
    ],
    family: [
      'García', 'Rodríguez', 'Martínez', 'Hernández', 'López', 'González', 'Pérez', 'Sánchez', 'Ramírez', 'Torres',
      'Flores', 'Rivera', 'Gómez', 'Díaz', 'Reyes', 'Morales', 'Cruz', 'Ortiz', 'Gutiérrez', 'Chávez',
      'Ramos', 'Ruiz', 'Mendoza', 'Vásquez', 'Castillo', 'Jiménez', 'Moreno', 'Romero', 'Herrera', 'Medina',
      'Aguilar', 'Vargas', 'Guerrero', 'Delgado', 'Salazar', 'Cantú', 'Garza', 'Treviño', 'Villarreal', 'Sáenz',
      'De la Cruz', 'Reyes-Ortiz',
    ],
  },
  {
    weight: 30,
    given: [
      'Emily', 'Sarah', 'Jessica', 'Michael', 'David', 'James', 'Robert', 'Jennifer', 'Ashley', 'Tyler',
      'Megan', 'Lauren', 'Rachel', 'Daniel', 'Matthew', 'Hannah', 'Colton', 'Dakota', 'Shelby', 'Caleb',
      'Ethan', 'Grace', 'Abigail', 'Chloe', 'Noah', 'Amelia', 'Avery', 'Jordan', 'Taylor', 'Morgan',
      'Riley', 'Greta', 'Lars', 'Ingrid', 'Siobhan', 'Declan', 'Giovanni', 'Francesca', 'Dmitri', 'Anya',
    ],
    family: [
      'Miller', 'Davis', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Martin', 'Thompson', 'White',
      'Clark', 'Lewis', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green',
      'Adams', 'Baker', 'Nelson', 'Mitchell', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans',
      "O'Brien", 'Murphy', 'Kelly', 'Sullivan', 'Kowalski', 'Nowak', 'Petrov', 'Schmidt', 'Weber', 'Larsen',
      'Johansson', 'Rossi', 'Esposito', 'Cohen', 'Levy',
    ],
  },
  {
    weight: 13,
    given: [
      'Aaliyah', 'DeShawn', 'Imani', 'Jamal', 'Keisha', 'Malik', 'Tanisha', 'Darnell', 'Ebony', 'Terrence',
      'Nia', 'Andre', 'Jasmine', 'Marcus', 'Destiny', 'Xavier', 'Trinity', 'Isaiah', 'Kiara', 'Jerome',
      'Monique', 'Cedric', 'LaToya', 'Reginald', 'Shanice', 'Darius',
    ],
    family: [
      'Johnson', 'Williams', 'Brown', 'Jones', 'Jackson', 'Washington', 'Jefferson', 'Banks', 'Freeman', 'Robinson',
      'Harris', 'Carter', 'Brooks', 'Coleman', 'Bryant', 'Simmons', 'Hayes', 'Gaines', 'Holloway', 'Franklin',
    ],
  },
  {
    weight: 3,
    given: ['Kwame', 'Amara', 'Chinedu', 'Ngozi', 'Abena', 'Kofi', 'Folake', 'Tendai', 'Wanjiru', 'Oluwaseun', 'Chiamaka', 'Yaw'],
    family: ['Boateng', 'Okafor', 'Adeyemi', 'Mensah', 'Nwosu', 'Diallo', 'Mwangi', 'Moyo', 'Osei', 'Abebe', 'Okonkwo', 'Balogun'],
  },
  {
    weight: 2.5,
    given: ['Fatima', 'Omar', 'Tariq', 'Yusuf', 'Layla', 'Zainab', 'Hassan', 'Noor', 'Samira', 'Karim', 'Ibrahim', 'Mariam', 'Leila', 'Amir', 'Yasmin'],
    family: ['Haddad', 'Khalil', 'Nasser', 'Aziz', 'Hussain', 'Farah', 'Abdi', 'Mansour', 'Saleh', 'Hamdan', 'Darwish', 'Qureshi'],
  },
  {
    weight: 5,
    given: ['Priya', 'Arjun', 'Anjali', 'Vikram', 'Deepa', 'Sanjay', 'Kavya', 'Rohan', 'Meera', 'Farhan', 'Neha', 'Aditya', 'Sunita', 'Rahul'],
    family: ['Patel', 'Shah', 'Singh', 'Kumar', 'Reddy', 'Rao', 'Iyer', 'Desai', 'Chowdhury', 'Rahman', 'Khan', 'Menon', 'Joshi', 'Nair'],
  },
  {
    weight: 3,
    given: ['Linh', 'Minh', 'Thao', 'Bao', 'Huong', 'Quang', 'Trang', 'Duc', 'Mai', 'Tuan'],
    family: ['Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Vo', 'Dang', 'Bui', 'Do', 'Huynh'],
  },
  {
    weight: 2,
    given: ['Mei', 'Wei', 'Jian', 'Xiu', 'Lan', 'Hao', 'Ying', 'Jun'],
    family: ['Chen', 'Wang', 'Li', 'Zhang', 'Liu', 'Huang', 'Wu', 'Lin', 'Zhou', 'Xu'],
  },
  {
    weight: 1,
    given: ['Ji-woo', 'Min-jun', 'Seo-yeon', 'Hyun-woo', 'Soo-ah', 'Ji-hoon'],
    family: ['Kim', 'Park', 'Choi', 'Lee', 'Jung', 'Kang'],
  },
  {
    weight: 0.5,
    given: ['Hiroshi', 'Yuki', 'Kenji', 'Aiko', 'Haruka', 'Takeshi'],
    family: ['Tanaka', 'Sato', 'Yamamoto', 'Nakamura', 'Watanabe', 'Ito'],
  },
  {
    weight: 1.5,
    given: ['Marisa', 'Rizal', 'Maricel', 'Jericho', 'Rowena', 'Arnel'],
    family: ['Santos', 'Bautista', 'Dela Peña', 'Villanueva', 'Mercado', 'Aquino'],
  },
  {
    weight: 1,
    given: ['Winona', 'Aponi', 'Dyani', 'Ayasha', 'Tala', 'Nizhoni', 'Hiawatha', 'Kohana'],
    family: ['Begay', 'Yazzie', 'Tsosie', 'Benally', 'Harjo', 'Deschenie'],
  },
  {
    weight: 0.5,
    given: ['Kai', 'Leilani', 'Keanu', 'Makoa', 'Malia', 'Ikaika'],
    family: ['Kealoha', 'Mahoe', 'Kahananui', 'Akana', 'Fonoti', 'Tuilagi'],
  },
];

/** District names are "<place> ISD"; past this list, places are combined with a second word. */
export const DISTRICT_PLACES: readonly string[] = [
  'Cedar', 'Pecan Valley', 'Live Oak', 'Mesquite Springs', 'Brazos Bend', 'Cypress Creek', 'Red Oak', 'Post Oak',
  'Magnolia Springs', 'Sabine', 'Llano River', 'Frio', 'Nueces', 'Comal', 'Blanco', 'San Saba',
  'Pedernales', 'Neches', 'Caddo Lake', 'Big Thicket', 'Palo Duro', 'Caprock', 'Agua Dulce', 'Rio Vista',
  'Piney Woods', 'Lone Pine', 'Willow Creek', 'Hackberry', 'Sycamore', 'Cottonwood', 'Persimmon', 'Huisache',
  'Anacua', 'Laguna Madre', 'Sandy Creek', "Bois d'Arc", 'Coyote Ridge', 'Blackland', 'Sweetwater', 'Clear Fork',
  'Salt Fork', 'Paint Rock', 'Horseshoe Bay', 'Kiskadee', 'Chaparral', 'Mustang Prairie', 'Wichita Bend', 'Limestone',
  'Granite Shoals', 'Bluestem', 'Prickly Pear', 'Yucca Flats', 'Dogwood', 'Redbud', 'Bayou Bend', 'Tidewater',
];
export const DISTRICT_SECOND_WORDS: readonly string[] = [
  'Valley', 'Springs', 'Hills', 'Ridge', 'Lake', 'Crossing', 'Prairie', 'Bend', 'Creek', 'Mesa', 'Grove', 'Canyon',
];

/** School names: an honoree or a place, then the kind of school. */
export const SCHOOL_NAMES: readonly string[] = [
  'Barbara Jordan', 'César Chávez', 'Sally Ride', 'Mae Jemison', 'Dolores Huerta', 'Jovita Idar', 'Emma Tenayuca',
  'Héctor P. García', 'Mary McLeod Bethune', 'Thurgood Marshall', 'Ellen Ochoa', 'Katherine Johnson', 'Rosa Parks',
  'Fred Korematsu', 'Sylvia Mendez', 'Patsy Mink', 'Wilma Mankiller', 'Maya Angelou', 'Langston Hughes',
  'Gwendolyn Brooks', 'Tomás Rivera', 'Gloria Anzaldúa', 'Bessie Coleman', 'Jovita González', 'Carter G. Woodson',
  'Sojourner Truth', 'Grace Hopper', 'Ada Lovelace', 'Roberto Clemente', 'Daniel Inouye', 'Lakeview', 'Riverside',
  'Oak Grove', 'Meadowbrook', 'Sunset Ridge', 'Willow Bend', 'Hillcrest', 'Pleasant Grove', 'Fairview', 'Brookhaven',
  'Parkside', 'Northside', 'Eastwood', 'Westridge', 'Southgate', 'Mockingbird', 'Pecan Grove', 'Quail Run',
  'Wildflower', 'Canyon Creek', 'Las Palmas', 'Los Encinos', 'El Mirador', 'Buena Vista', 'Kingfisher', 'Heron Bay',
];
export const SCHOOL_KINDS: readonly { name: string; weight: number }[] = [
  { name: 'Elementary', weight: 50 },
  { name: 'Middle School', weight: 25 },
  { name: 'High School', weight: 18 },
  { name: 'Early College High School', weight: 7 },
];

/** Evidence notes a person might write, by principle code. */
export const EVIDENCE: Readonly<Record<string, readonly string[]>> = {
  '1': [
    'Fishbone diagram from our fall data day.',
    'Empathy interviews with eight ninth graders about missing assignments.',
    'We pulled attendance and course-failure data by grade level.',
    'Process map of how a student gets placed in intervention.',
    'Our problem statement, revised twice after talking with students.',
    'Pareto chart of the reasons for tardies.',
    'Walked the system with the counselors before naming the problem.',
    'I have not seen our root-cause work yet; I joined the team in October.',
  ],
  '2': [
    'Driver diagram posted in the workroom and in our shared folder.',
    'Aim statement: 80% of 9th graders on track by May.',
    'We ranked change ideas on an impact/effort grid.',
    'Two secondary drivers still have no measure.',
    'Our theory of improvement came mostly from the district plan.',
    'Revisited the driver diagram at the January meeting.',
    'Change ideas came from teachers, students and families.',
  ],
  '3': [
    'Two PDSA cycles on exit tickets in Algebra I.',
    'PDSA forms are in the shared drive, but predictions are often blank.',
    'Run chart of daily attendance calls, updated weekly.',
    'Tested the advisory check-in with one class first.',
    'Our action plan has owners and dates for each change idea.',
    'We skipped the Study step on the last cycle.',
    'Practical measure: a three-question student survey every Friday.',
  ],
  '4': [
    'Learning agenda drafted after the network convening.',
    'Book study on improvement science this semester.',
    'Shared what we learned with the whole math department.',
    'Visited another network school to see their advisory model.',
    'Our learning has mostly been one-off trainings so far.',
    'Brought PDSA results into the PLC agenda every other week.',
  ],
  '5': [
    'Adopted the advisory check-in after three cycles.',
    'Abandoned the homework hotline: no change in the data.',
    'Spread the warm-call routine to 10th grade.',
    'We do not yet decide adopt/adapt/abandon with data.',
    'Our run chart shows a shift after the second change idea.',
    'Planning to scale the tutoring schedule to two more campuses.',
  ],
};

/** What the team looked at when it agreed: the end of "We agreed after looking at …". */
export const ARTIFACTS: readonly string[] = [
  'our PDSA tracker',
  'the fishbone diagram from our data day',
  'the driver diagram',
  'last semester’s walkthrough notes',
  'exit-ticket data from two cycles',
  'the student empathy interviews',
  'our run charts',
  'the minutes of our last three meetings',
  'the action plan and who owns each step',
  'the learning agenda',
  'attendance and grades for the focus students',
  'the network convening notes',
];

/** Why a member disagreed: the end of "N placed us at Level X: …". */
export const DISSENT_REASONS: readonly string[] = [
  'we have tested the change idea in only one grade level so far',
  'the data routine depends on one person',
  'most of our evidence is from before the winter break',
  'we describe the practice well but do not do it every week',
  'students have not been part of it yet',
  'the last cycle showed real change, so we are further along than we think',
  'our measures are in place even if the meetings are irregular',
  'the new members have not seen this work',
];
